// Which acknowledged ids each crash state is checked with: at a crash point right after a call,
// every ACK the workload wrote before its next file-system call, and none after it. So an ACK
// printed between a write and its fsync counts right after the write, and an ACK printed after the
// last file-system call counts at the last crash point. Random workloads of writes, fsyncs and
// ACKs, through the plan crash-test streams (planCrashStream) and the jobs it checks (jobsOf).
// And jobsOf's counts: every state drawn from the plan, and each distinct (image, ids) pair checked
// once, in plan order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCrashStream } from '../../../crash-sim/crash-points.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { jobsOf } from '../../../oracle/crash-test/check-stream.js';
import { inShard } from '../../../oracle/crash-test/shard.js';
import { buildSyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const knobs = resolveKnobs({});
type Event = 'write' | 'fsync' | 'ack';

/** The workload's lines: one op per event, after the initial image (op 0) and the open (op 1). */
function trace(events: readonly Event[]): string[] {
  let acks = 0;
  let at = 0;
  return [
    '1  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT, 0644) = 3</d/log>',
    ...events.map((e) => {
      if (e === 'write') return `1  pwrite64(3</d/log>, "r${at}", 2, ${(at += 2) - 2}) = 2`;
      if (e === 'fsync') return '1  fsync(3</d/log>) = 0';
      const id = `id${++acks}`;
      return `1  write(1</t/out>, "ACK ${id}\\n", ${id.length + 5}) = ${id.length + 5}`;
    }),
  ];
}

/** The ids acknowledged before the first file-system call after op `afterOp` (op k is event k - 2; op 1 is the open). */
function expectedIds(events: readonly Event[], afterOp: number): string[] {
  const ids: string[] = [];
  if (afterOp < 1) return ids;
  for (let i = 0; i < events.length; i++) {
    if (events[i] === 'ack') ids.push(`id${ids.length + 1}`);
    else if (i + 2 > afterOp) break;
  }
  return ids;
}

/** The jobs crash-test checks for a workload, planned as `walref crash-test` plans them. */
function jobsFor(events: readonly Event[], maxStates: number) {
  const { calls } = parseTrace(trace(events).join('\n'), { stdoutPath: '/t/out' });
  const h = buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs, initial: { files: new Map(), dirs: [] } });
  expect(h.ops).toHaveLength(events.length + 2);
  const plan = planCrashStream(knobs, h.ops, maxStates, 1);
  return { jobs: [...jobsOf(plan.points(), h)], plan, history: h, shard: (s: { k: number; n: number }) => [...jobsOf(plan.points(), h, { drawn: 0, jobs: 0 }, s)] };
}

const workload = fc.array(fc.constantFrom<Event>('write', 'fsync', 'ack', 'ack'), { maxLength: 14 });

describe('each crash state is checked with the ids acknowledged before the next file-system call', () => {
  it('for any order of writes, fsyncs and ACKs', () => {
    fc.assert(
      fc.property(workload, fc.constantFrom(1, 7, 1000), (events, maxStates) => {
        const { jobs, shard: shardJobs } = jobsFor(events, maxStates);
        for (const job of jobs) expect([job.afterOp, job.ids]).toEqual([job.afterOp, expectedIds(events, job.afterOp)]);
        // The last crash point has every ACK, and nothing is checked with more.
        const all = events.filter((e) => e === 'ack').map((_, i) => `id${i + 1}`);
        expect(jobs.map((j) => j.ids).reduce((a, b) => (b.length > a.length ? b : a), [] as readonly string[])).toEqual(all);
        // Shards split the same jobs, ids and all.
        const k = jobs.length % 3;
        const shard = shardJobs({ k: k + 1, n: 3 });
        expect(shard.map((j) => [j.afterOp, j.state.key, j.ids])).toEqual(jobs.filter((_, i) => inShard(i, { k: k + 1, n: 3 })).map((j) => [j.afterOp, j.state.key, j.ids]));
      }),
      { numRuns: 200 },
    );
  });

  it.each<[string, Event[], number, string[]]>([
    ['an ACK between a write and its fsync counts right after the write', ['write', 'ack', 'fsync'], 2, ['id1']],
    ['an ACK after the fsync does not count right after the write', ['write', 'fsync', 'ack'], 2, []],
    ['an ACK after the last call counts at the last crash point', ['write', 'fsync', 'ack'], 3, ['id1']],
    ['ACKs before any write count at the open', ['ack', 'ack', 'write'], 1, ['id1', 'id2']],
  ])('%s', (_name, events, afterOp, ids) => {
    const at = jobsFor(events, 1000).jobs.filter((j) => j.afterOp === afterOp);
    expect(at.length).toBeGreaterThan(0);
    for (const job of at) expect(job.ids).toEqual(ids);
  });
});

describe('jobsOf counts what it draws and checks each distinct state once', () => {
  it('drawn is every state of every point, jobs the distinct (image, ids) pairs, each yielded once', () => {
    fc.assert(
      fc.property(workload, fc.constantFrom(1, 7, 1000), (events, maxStates) => {
        const { plan, history } = jobsFor(events, maxStates);
        // What the plan holds, taken apart here without jobsOf: every state with the ids of its point.
        const all: string[] = [];
        for (const planned of plan.points()) {
          const ids = expectedIds(events, planned.point.afterOp);
          for (const state of planned.states()) all.push(`${state.key}|${ids.length}`);
        }
        const counts = { drawn: 0, jobs: 0 };
        const jobs = [...jobsOf(plan.points(), history, counts)];
        const keys = jobs.map((j) => `${j.state.key}|${j.ids.length}`);
        expect(counts).toEqual({ drawn: all.length, jobs: new Set(all).size });
        expect(keys).toEqual([...new Set(all)]);
      }),
      { numRuns: 100 },
    );
  });

  it('a repeated state is drawn but not checked again (a workload whose crash points share images)', () => {
    // Two fsyncs in a row leave the same image at both crash points: the second point's states repeat.
    const { plan, history } = jobsFor(['write', 'fsync', 'fsync', 'fsync'], 1000);
    const counts = { drawn: 0, jobs: 0 };
    const jobs = [...jobsOf(plan.points(), history, counts)];
    expect(counts.drawn).toBeGreaterThan(counts.jobs);
    expect(counts.jobs).toBe(jobs.length);
  });
});
