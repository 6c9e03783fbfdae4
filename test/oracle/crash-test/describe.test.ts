// One-line crash states: every call carries its op-log index, so two calls with one description
// (the rename of a temporary file, done at every save) are told apart, in the text and as data.
import { describe, expect, it } from 'vitest';
import { crashPointsOf } from '../../../crash-sim/crash-points.js';
import { enumerateCrashStates } from '../../../crash-sim/crash-states.js';
import { resolveKnobs } from '../../../crash-sim/knobs.js';
import { callLabel, describeCrashState, fateText } from '../../../oracle/crash-test/describe.js';
import { buildSyscallHistory } from '../../../oracle/crash-test/syscall-history.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const knobs = resolveKnobs({});

/** Two saves of db.json by temp file + fsync + rename, without the directory fsync. */
const SAVES = [
  '1  openat(AT_FDCWD</w>, "/d/.db.json.tmp", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</d/.db.json.tmp>',
  '1  write(3</d/.db.json.tmp>, "{\\"a\\":1}", 7) = 7',
  '1  fsync(3</d/.db.json.tmp>) = 0',
  '1  close(3</d/.db.json.tmp>) = 0',
  '1  rename("/d/.db.json.tmp", "/d/db.json") = 0',
  '1  openat(AT_FDCWD</w>, "/d/.db.json.tmp", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</d/.db.json.tmp>',
  '1  write(3</d/.db.json.tmp>, "{\\"a\\":2}", 7) = 7',
  '1  fsync(3</d/.db.json.tmp>) = 0',
  '1  close(3</d/.db.json.tmp>) = 0',
  '1  rename("/d/.db.json.tmp", "/d/db.json") = 0',
];

function historyOf(lines: readonly string[], withKnobs = knobs) {
  const { calls } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
  return buildSyscallHistory(calls, { dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', knobs: withKnobs, initial: { files: new Map(), dirs: [] } });
}

/** The crash states right after a history's last op (at most `maxStates`), and that op's index. */
function atLastOp(history: ReturnType<typeof historyOf>, maxStates: number, withKnobs = knobs) {
  const last = history.ops.length - 1;
  const point = crashPointsOf(withKnobs, history.ops).find((p) => p.afterOp === last);
  return { last, ...enumerateCrashStates(point?.space ?? (undefined as never), { maxStates, seed: 1 }) };
}

describe('a call is named with its op-log index', () => {
  it('after its name, before its arguments; a description that is no call gets the index first', () => {
    expect(callLabel('rename(.db.json.tmp → db.json)', 6)).toBe('rename#6(.db.json.tmp → db.json)');
    expect(callLabel('syncfs()', 3)).toBe('syncfs#3()');
    expect(callLabel('the initial contents of --dir (0 files, 0 directories)', 0)).toBe('#0 the initial contents of --dir (0 files, 0 directories)');
    // Only a call at the very start is one: a description that mentions a call is not renamed.
    expect(callLabel('the state after rename(a → b)', 4)).toBe('#4 the state after rename(a → b)');
    expect(callLabel(' fsync(3)', 2)).toBe('#2  fsync(3)');
    expect(callLabel('', 5)).toBe('#5');
    expect(fateText({ index: 9, call: 'write(f, 1024 bytes @0)', fate: 'torn', sectors: { kept: 1, of: 2 } })).toBe('write#9(f, 1024 bytes @0) torn (1 of 2 sectors kept)');
    // Sectors are told only of a torn write.
    expect(fateText({ index: 9, call: 'write(f, 1024 bytes @0)', fate: 'kept', sectors: { kept: 2, of: 2 } })).toBe('write#9(f, 1024 bytes @0) kept');
    expect(fateText({ index: 9, call: 'write(f, 1024 bytes @0)', fate: 'torn' })).toBe('write#9(f, 1024 bytes @0) torn');
  });

  it('two renames of one temporary file over db.json read apart: the one lost and the one kept', () => {
    const history = historyOf(SAVES);
    const renames = history.calls.flatMap((call, index) => (call === 'rename(.db.json.tmp → db.json)' ? [index] : []));
    expect(renames).toHaveLength(2);
    const { last, states } = atLastOp(history, 1000);
    const [first, second] = renames as [number, number];
    const mixed = states
      .map((state) => describeCrashState(state, history.calls, last))
      .find((s) => s.calls.some((c) => c.index === first && c.fate === 'lost') && s.calls.some((c) => c.index === second && c.fate === 'kept'));
    expect(mixed?.text).toContain(`rename#${first}(.db.json.tmp → db.json) lost`);
    expect(mixed?.text).toContain(`rename#${second}(.db.json.tmp → db.json) kept`);
    expect(mixed?.text.startsWith(`crash after rename#${last}(.db.json.tmp → db.json): `)).toBe(true);
    expect(mixed?.crashAfter).toEqual({ index: last, call: 'rename(.db.json.tmp → db.json)' });
    expect(mixed?.calls.find((c) => c.index === first)).toEqual({ index: first, call: 'rename(.db.json.tmp → db.json)', fate: 'lost' });
    expect(mixed?.weight).toBeGreaterThan(0);
  });

  // The write a failed fsync left in limbo keeps the synced write after it among the file's pieces.
  it('an unsynced write of 2 sectors reads kept, lost or torn by its sectors; a synced one is not named', () => {
    const block = 'x'.repeat(1024);
    const history = historyOf([
      '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>',
      '1  fsync(3</d/f>) = 0',
      '1  openat(AT_FDCWD</w>, "/d", O_RDONLY|O_DIRECTORY) = 4</d>',
      '1  fsync(4</d>) = 0',
      `1  write(3</d/f>, "${block}", 1024) = 1024`,
      '1  fsync(3</d/f>) = -1 EIO (Input/output error)',
      `1  write(3</d/f>, "${block}", 1024) = 1024`,
      '1  fsync(3</d/f>) = 0',
      `1  write(3</d/f>, "${block}", 1024) = 1024`,
    ]);
    const { last, states } = atLastOp(history, 1000);
    const synced = history.calls.indexOf('write(f, 1024 bytes @1024)');
    expect(synced).toBeGreaterThan(0);
    expect(history.calls[last]).toBe('write(f, 1024 bytes @2048)');
    const fates = states.map((state) => describeCrashState(state, history.calls, last).calls);
    // Every state names the unsynced write once and never the synced one.
    for (const calls of fates) {
      expect(calls.filter((c) => c.index === last)).toHaveLength(1);
      expect(calls.some((c) => c.index === synced)).toBe(false);
    }
    const seen = fates.map((calls) => calls.find((c) => c.index === last));
    // Each state's word agrees with its bytes: the write's two sectors both there (kept), neither
    // (lost), or one of them (torn).
    states.forEach((state, i) => {
      const there = [...(state.files.get('/f')?.bytes.subarray(2048, 3072) ?? [])].filter((b) => b === 0x78).length;
      expect(seen[i]?.fate).toBe(there === 1024 ? 'kept' : there === 0 ? 'lost' : 'torn');
    });
    expect(seen).toContainEqual({ index: last, call: 'write(f, 1024 bytes @2048)', fate: 'kept' });
    expect(seen).toContainEqual({ index: last, call: 'write(f, 1024 bytes @2048)', fate: 'lost' });
    expect(seen).toContainEqual({ index: last, call: 'write(f, 1024 bytes @2048)', fate: 'torn', sectors: { kept: 1, of: 2 } });
    const torn = states.map((state) => describeCrashState(state, history.calls, last)).find((s) => s.calls.some((c) => c.index === last && c.fate === 'torn'));
    expect(torn?.text).toContain(`write#${last}(f, 1024 bytes @2048) torn (1 of 2 sectors kept)`);
    // Without the history's descriptions, a write is named by its op-log index.
    const unnamed = describeCrashState(states[0] ?? (undefined as never), [], last);
    expect(unnamed.calls.find((c) => c.index === last)?.call).toBe(`op ${last}`);
    expect(unnamed.text.startsWith(`crash after #${last}: `)).toBe(true);
  });

  it('lists lost calls first, then kept ones (those after a loss first) up to 6 items, and counts the rest', () => {
    const lines = Array.from({ length: 7 }, (_, i) => [
      `1  openat(AT_FDCWD</w>, "/d/f${i}", O_WRONLY|O_CREAT, 0644) = 3</d/f${i}>`,
      `1  write(3</d/f${i}>, "x", 1) = 1`,
      `1  close(3</d/f${i}>) = 0`,
    ]).flat();
    const history = historyOf(lines);
    const { last, states, exhaustive } = atLastOp(history, 20_000);
    expect(exhaustive).toBe(true);
    const summaries = states.map((state) => describeCrashState(state, history.calls, last));
    // Each file's create is call 2i + 1 and its write 2i + 2; a write is named only where its file survived.
    const create = (i: number) => `openat#${2 * i + 1}(f${i}, O_CREAT)`;
    const write = (i: number) => `write#${2 * i + 2}(f${i}, 1 bytes @0)`;
    const find = (lostCreates: number[], lostWrites: number[]) =>
      summaries.find((s) => {
        const lost = s.calls.filter((c) => c.fate !== 'kept').map((c) => c.index);
        return lost.length === lostCreates.length + lostWrites.length && lostCreates.every((i) => lost.includes(2 * i + 1)) && lostWrites.every((i) => lost.includes(2 * i + 2));
      });
    const where = `crash after ${write(6)}: `;
    const all = [0, 1, 2, 3, 4, 5, 6];
    expect(find([], [])).toMatchObject({ weight: 0, text: `${where}${all.slice(0, 6).map((i) => `${create(i)} kept`).join(', ')}, 8 other unsynced calls kept` });
    expect(find([1], [])).toMatchObject({
      weight: 1,
      text: `${where}${create(1)} lost, ${[2, 3, 4, 5, 6].map((i) => `${create(i)} kept`).join(', ')}, 7 other unsynced calls kept`,
    });
    expect(find(all, [])).toMatchObject({ weight: 7, text: `${where}${all.map((i) => `${create(i)} lost`).join(', ')}` });
    expect(find([0, 1, 2, 3, 4, 5], [6])).toMatchObject({ weight: 7, text: `${where}${all.slice(0, 6).map((i) => `${create(i)} lost`).join(', ')}, ${write(6)} lost, 1 other unsynced call kept` });
  });

  it('names a file that grew over bytes that never reached the disk (an unsafe append)', () => {
    const unsafe = resolveKnobs({ safeAppend: false });
    const history = historyOf(
      [
        '1  openat(AT_FDCWD</w>, "/d/log", O_WRONLY|O_CREAT, 0644) = 3</d/log>',
        '1  fsync(3</d/log>) = 0',
        '1  openat(AT_FDCWD</w>, "/d", O_RDONLY|O_DIRECTORY) = 4</d>',
        '1  fsync(4</d>) = 0',
        '1  write(3</d/log>, "abc", 3) = 3',
      ],
      unsafe,
    );
    const { last, states } = atLastOp(history, 100, unsafe);
    const summaries = states.map((state) => describeCrashState(state, history.calls, last));
    const grown = summaries.find((s) => s.grown.length > 0);
    expect(grown?.grown[0]?.path).toBe('log');
    expect(grown?.text).toContain(`log grew over ${grown?.grown[0]?.over}`);
  });

  it('a state where everything was durable says so, and names the crash point', () => {
    const history = historyOf(SAVES.slice(0, 3));
    const point = crashPointsOf(knobs, history.ops)[0];
    expect(point?.afterOp).toBe(0);
    const [state] = enumerateCrashStates(point?.space ?? (undefined as never), { maxStates: 1, seed: 1 }).states;
    const summary = describeCrashState(state ?? (undefined as never), history.calls, 0);
    expect(summary).toMatchObject({ text: 'crash after #0 the initial contents of --dir (0 files, 0 directories): every call so far durable', weight: 0, calls: [] });
  });
});
