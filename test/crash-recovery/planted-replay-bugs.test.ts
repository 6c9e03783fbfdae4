// Planted replay bugs, as a test-only variant of src/core's replay machine (vi.mock of
// replay-machine.ts, which the one replay driver feeds): the ReplayMachine
// below behaves like the real one unless `planted.bug` names a bug. The real code has no switch.
import { describe, expect, it, vi } from 'vitest';
import type { ReplayMachineOptions, ReplaySummary, SegmentStart } from '../../src/core/replay.js';
import type { Result } from '../../src/core/errors.js';
import { explore, violationText, workload } from './helpers.js';

const planted: { bug: 'none' | 'release-uncommitted-tail' | 'reuse-lsns-after-torn-tail' } = { bug: 'none' };

vi.mock('../../src/core/replay-machine.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/core/replay-machine.js')>();
  const { decodeFrame } = await import('../../src/core/codec.js');
  const SEGMENT_HEADER_BYTES = 44;

  class PlantedReplayer extends original.ReplayMachine {
    readonly #segments: Uint8Array[][] = [];
    readonly #onTransaction: ReplayMachineOptions['onTransaction'];
    readonly #checkpointLsn: number;
    readonly #released: Parameters<ReplayMachineOptions['onTransaction']>[0][] = [];

    constructor(options: ReplayMachineOptions) {
      super({ ...options, onTransaction: (t) => this.#released.push(t) });
      this.#onTransaction = options.onTransaction;
      this.#checkpointLsn = options.checkpointLsn;
    }

    #last = false;

    override beginSegment(segment: SegmentStart): Result<void> {
      this.#segments.push([]);
      this.#last = segment.last;
      return super.beginSegment(segment);
    }

    override push(chunk: Uint8Array): Result<void> {
      this.#segments.at(-1)?.push(chunk.slice());
      const result = super.push(chunk);
      this.#deliver();
      return result;
    }

    override endSegment(): Result<void> {
      const result = super.endSegment();
      this.#deliver();
      if (result.ok && this.#last && planted.bug === 'release-uncommitted-tail') this.#releaseOpenTail();
      return result;
    }

    /** The bug: transactions still open at the end of the log are released as if committed. */
    #releaseOpenTail(): void {
      const open = new Map<number, { events: Uint8Array[]; lastLsn: number }>();
      for (const r of this.#records()) {
        if (r.lsn <= this.#checkpointLsn) continue;
        if (r.kind === 'TxBegin') open.set(r.lsn, { events: [], lastLsn: r.lsn });
        else if (r.kind === 'MutationBatch' || r.kind === 'Mutation') {
          const tx = open.get(r.txBeginLsn);
          if (tx !== undefined) {
            tx.events.push(...(r.kind === 'Mutation' ? [r.event] : r.events));
            tx.lastLsn = r.lsn;
          }
        } else if (r.kind === 'TxCommit' || r.kind === 'TxAbort') open.delete(r.txBeginLsn);
      }
      for (const [beginLsn, tx] of open) void this.#onTransaction({ beginLsn, commitLsn: tx.lastLsn, events: tx.events, eventCount: tx.events.length });
    }

    #deliver(): void {
      for (const t of this.#released.splice(0)) void this.#onTransaction(t);
    }

    /** Every whole frame in log order, decoded with the real codec until the first bad one. */
    #records(): NonNullable<ReturnType<typeof decodeFrame> & { ok: true }>['record'][] {
      const out: NonNullable<ReturnType<typeof decodeFrame> & { ok: true }>['record'][] = [];
      for (const chunks of this.#segments) {
        const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) (bytes.set(c, at), (at += c.length));
        const salt = bytes.length < SEGMENT_HEADER_BYTES ? 0 : new DataView(bytes.buffer, bytes.byteOffset).getUint32(28, true);
        for (let offset = SEGMENT_HEADER_BYTES; offset < bytes.length; ) {
          const frame = decodeFrame(bytes, offset, salt);
          if (!frame.ok) break;
          out.push(frame.record);
          offset += frame.frameBytes;
        }
      }
      return out;
    }

    override finish(): Result<ReplaySummary> {
      const result = super.finish();
      if (!result.ok || planted.bug === 'none') return result;
      const records = this.#records();
      if (planted.bug !== 'reuse-lsns-after-torn-tail') return result;
      // The bug: after a torn tail, the next LSN follows the last COMMITTED record, so the LSNs
      // of whole records of an unfinished transaction are handed out again.
      if (result.value.tornTail === null) return result;
      const lastCommit = records.filter((r) => r.kind === 'TxCommit').reduce((max, r) => Math.max(max, r.lsn), 0);
      return { ok: true, value: { ...result.value, maxLsn: lastCommit } };
    }
  }
  return { ...original, ReplayMachine: PlantedReplayer };
});

describe('planted replay bugs turn the oracle red', () => {
  // One transaction whose frames span three 64-byte sectors: a crash can keep its TxBegin and
  // MutationBatch whole and tear its TxCommit.
  const w = workload([{ tx: ['a'] }, { flush: true }, { tx: ['b'.repeat(40)] }, { flush: true }], { sectorBytes: 64, ordered: true, safeAppend: true });

  it('the mocked replay machine is faithful while no bug is planted', async () => {
    planted.bug = 'none';
    const result = await explore(w);
    expect(violationText(result)).toBe('');
  });

  it('replay releasing an uncommitted tail is caught as an AtomicityInv and ExactnessInv violation', async () => {
    planted.bug = 'release-uncommitted-tail';
    const result = await explore(w);
    planted.bug = 'none';
    const properties = result.violations.map((v) => v.property);
    expect(properties).toContain('AtomicityInv');
    expect(properties).toContain('ExactnessInv');
    expect(violationText(result)).toMatch(/AtomicityInv violated \(crash after op \d+\): replayed \[\d+\.\.\d+\] \{.*\}, which no session committed/);
  });

  it('reusing LSNs after a torn tail is caught as a NoReuseInv violation', async () => {
    planted.bug = 'reuse-lsns-after-torn-tail';
    const result = await explore(w);
    planted.bug = 'none';
    expect(result.violations.map((v) => v.property)).toContain('NoReuseInv');
    expect(violationText(result)).toMatch(/NoReuseInv violated \(crash after op \d+\): after recovery nextLsn\(\) is 4, but LSN [45] survived on disk/);
  });
});
