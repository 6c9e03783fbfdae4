// A reused segment file in the simulator: it holds the bytes of its previous life, really (the same
// inode, renamed), and the crash states of a new life written over them include the one where the
// new header was lost but new frames persisted, and the reverse. Replay never takes a stale frame
// for a record in any of them. The writer itself never leaves the first: it syncs the header before
// the rename (docs/format.md "Preallocation and reuse"); these writes skip that sync on purpose,
// so that the simulator has both orders to offer.
import { describe, expect, it } from 'vitest';
import { crashSpace, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { encodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { replay } from '../../src/core/replay.js';
import { encodeSegmentHeader, segmentSalt } from '../../src/core/segment-header.js';
import { concat } from '../src/core/log-builder.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Segment 1's life: header and one committed transaction (LSN 1-3), synced whole. */
function oldLife(): Uint8Array {
  const salt = segmentSalt(1, 1);
  return concat([
    encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt }),
    encodeFrame({ kind: 'TxBegin', lsn: 1 }, salt),
    encodeFrame({ kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('old')] }, salt),
    encodeFrame({ kind: 'TxCommit', lsn: 3, txBeginLsn: 1 }, salt),
  ]);
}

describe('a recycled file in the simulator', () => {
  it('CrashStatesOfAReusedFileIncludeTheNewHeaderLostWithNewFramesKeptAndTheReverse, and none replays a stale frame', async () => {
    const sim = new SimFileSystem({ sectorBytes: 16, ordered: false, safeAppend: true, dirSync: true });
    sim.mkdirp('/wal');
    const old = sim.open('/wal/00000000000000000001.wal', 'create-exclusive');
    old.write(oldLife(), 0);
    await old.datasync();
    await sim.fsyncDir('/wal');
    // Freed and reused as segment 3 (base LSN 10): renamed twice, synced; then a new header and
    // new frames of the same sizes, over the old bytes, with no sync between them.
    sim.rename('/wal/00000000000000000001.wal', '/wal/00000000000000000001.free');
    sim.rename('/wal/00000000000000000001.free', '/wal/00000000000000000003.wal');
    await sim.fsyncDir('/wal');
    const salt = segmentSalt(3, 10);
    const header = encodeSegmentHeader({ segmentId: 3, baseLsn: 10, salt });
    const reused = sim.open('/wal/00000000000000000003.wal', 'read-write');
    reused.write(header, 0);
    const frames = concat([
      encodeFrame({ kind: 'TxBegin', lsn: 10 }, salt),
      encodeFrame({ kind: 'MutationBatch', lsn: 11, txBeginLsn: 10, events: [text('new')] }, salt),
      encodeFrame({ kind: 'TxCommit', lsn: 12, txBeginLsn: 10 }, salt),
    ]);
    reused.write(frames, SEGMENT_HEADER_BYTES);

    const { states, exhaustive } = enumerateCrashStates(crashSpace(sim.state), { maxStates: 100_000, seed: 1 });
    expect(exhaustive).toBe(true);
    const newHeader = (bytes: Uint8Array): boolean => header.every((b, i) => bytes[i] === b);
    const oldHeader = (bytes: Uint8Array): boolean => oldLife().subarray(0, SEGMENT_HEADER_BYTES).every((b, i) => bytes[i] === b);
    const newFrames = (bytes: Uint8Array): boolean => bytes.subarray(SEGMENT_HEADER_BYTES, SEGMENT_HEADER_BYTES + frames.length).every((b, i) => b === frames[i]);
    let headerLostFramesKept = 0;
    let headerKeptFramesLost = 0;
    for (const state of states) {
      const file = state.files.get('/wal/00000000000000000003.wal');
      if (file === undefined) throw new Error('the reused file is gone');
      const bytes = file.bytes;
      if (oldHeader(bytes) && newFrames(bytes)) headerLostFramesKept++;
      if (newHeader(bytes) && !newFrames(bytes) && bytes.subarray(SEGMENT_HEADER_BYTES).some((b) => b !== 0)) headerKeptFramesLost++;
      const result = replay({ segments: [{ name: '00000000000000000003.wal', id: 3, bytes }], checkpointLsn: 0 });
      // StaleNeverReplayedInv: a crash state replays the new transaction or nothing; one whose
      // header is still the old life's (id-mismatch) or torn with frames behind it is refused,
      // never read as segment 3's.
      if (result.ok) {
        for (const tx of result.value.transactions) expect(tx.commitLsn).toBe(12);
        expect(result.value.maxLsn === 0 || result.value.maxLsn >= 10).toBe(true);
      } else {
        expect(newHeader(bytes)).toBe(false);
        expect(result.error).toMatchObject({ code: 'BadSegmentHeader' });
      }
    }
    expect(headerLostFramesKept).toBeGreaterThan(0);
    expect(headerKeptFramesLost).toBeGreaterThan(0);
  });
});
