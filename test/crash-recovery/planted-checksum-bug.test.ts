// Planted bug: a frame checksum that does not cover the length. Crash states alone cannot show
// it in this format: a torn length fails the bounds, the per-kind body sizes or the checksum of
// the shorter body anyway. A flipped bit in a synced frame's length can, when the payload is
// adversarial: this test stores one event crafted (CRC-32C is linear, so 4 bytes force any
// checksum) so that the body cut short by the flipped length has the same body-only checksum and
// ends in a well-formed TxCommit. The WAL under test writes the frame; a read fault then flips
// the length's low byte (511 -> 256). The real codec reports the frame as bad (its checksum
// covers the length) and replays nothing; the planted codec replays a transaction that was never
// committed, with an event that was never recorded, and the oracle's AtomicityInv check says so.
import { describe, expect, it, vi } from 'vitest';
import { atomicityViolations } from '../../oracle/explore/recovery-oracle.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { crc32c } from '../../src/core/crc32c.js';
import { segmentSalt } from '../../src/core/segment-header.js';
import { realOpenWal } from './helpers.js';

const planted = { lengthNotCovered: false };

vi.mock('../../src/core/crc32c.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/core/crc32c.js')>();
  // The codec checksums the 4 length bytes first (previous = 0), then continues over the salt and
  // the body. The bug: the length contributes nothing, so the frame checksum is salt and body's alone.
  const crc32cOfRange: typeof original.crc32cOfRange = (bytes, start, end, previous = 0) =>
    planted.lengthNotCovered && end - start === 4 && previous === 0 ? 0 : original.crc32cOfRange(bytes, start, end, previous);
  return { ...original, crc32cOfRange };
});

const POLY = 0x82f63b78;
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  return c >>> 0;
});

/** Four bytes that take a CRC-32C from `fromCrc` to `toCrc` (the classic register inversion). */
function forge(fromCrc: number, toCrc: number): Uint8Array {
  const indices: number[] = [];
  let register = ~toCrc >>> 0;
  for (let k = 3; k >= 0; k--) {
    const j = TABLE.findIndex((t) => t >>> 24 === register >>> 24);
    indices[k] = j;
    register = ((register ^ (TABLE[j] ?? 0)) << 8) >>> 0;
  }
  const out = new Uint8Array(4);
  register = ~fromCrc >>> 0;
  for (let k = 0; k < 4; k++) {
    const b = (register ^ (indices[k] ?? 0)) & 0xff;
    out[k] = b;
    register = ((register >>> 8) ^ (TABLE[(register ^ b) & 0xff] ?? 0)) >>> 0;
  }
  return out;
}

const u64 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];

/** The first segment's salt (id 1, base LSN 1), little-endian, as every frame of it carries it. */
const SALT = segmentSalt(1, 1);
const saltBytes = Uint8Array.of(SALT & 0xff, (SALT >>> 8) & 0xff, (SALT >>> 16) & 0xff, SALT >>> 24);
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/**
 * The event of Mutation LSN 2 in transaction 1: 494 bytes, so the frame's body is 511 = 0x1ff
 * bytes and flipping the length's low byte leaves 256. The first 239 bytes are the event the
 * short frame will carry; then a TxCommit frame (LSN 3, tx 1) with a checksum of salt and body
 * only; zeros; and four forged bytes restoring the salt-and-body checksum of the short body.
 */
function adversarialEvent(): { event: Uint8Array; shortEvent: Uint8Array } {
  const shortEvent = new TextEncoder().encode('x'.repeat(239));
  const shortBody = Uint8Array.from([2, ...u64(2), ...u64(1), ...shortEvent]);
  const commitBody = Uint8Array.from([4, ...u64(3), ...u64(1)]);
  const commitCrc = crc32c(commitBody, crc32c(saltBytes));
  const fakeCommit = Uint8Array.from([17, 0, 0, 0, ...u32(commitCrc), ...saltBytes, ...commitBody]);
  const filler = new Uint8Array(255 - fakeCommit.length - 4);
  const target = crc32c(shortBody, crc32c(saltBytes));
  const beforeForge = crc32c(filler, crc32c(fakeCommit, target));
  const event = Uint8Array.from([...shortEvent, ...fakeCommit, ...filler, ...forge(beforeForge, target)]);
  expect(crc32c(Uint8Array.from([2, ...u64(2), ...u64(1), ...event]), crc32c(saltBytes))).toBe(target);
  return { event, shortEvent };
}

async function replayAfterLengthFlip(): Promise<readonly { beginLsn: number; commitLsn: number; events: readonly Uint8Array[] }[]> {
  const sim = new SimFileSystem({ sectorBytes: 512 });
  const { wal } = await realOpenWal('/wal', { fs: sim, segmentTargetBytes: 4096 });
  const { event } = adversarialEvent();
  const begin = await wal.begin();
  expect(begin).toBe(1);
  // The low-level API (the recorder writes batches): a Mutation frame, never committed.
  expect(await wal.append(begin, event)).toBe(2);
  await wal.forceFsync();
  await wal.close();
  // The Mutation frame starts after the 44-byte header and the 21-byte TxBegin frame.
  sim.flipBitsOnRead('/wal/00000000000000000001.wal', 44 + 21, 1);
  try {
    return (await realOpenWal('/wal', { fs: sim, segmentTargetBytes: 4096 })).replay.transactions;
  } catch {
    return [];
  }
}

describe('planted bug: a checksum that does not cover the length', () => {
  it('the real codec replays nothing from the flipped frame: AtomicityInv holds', async () => {
    planted.lengthNotCovered = false;
    expect(atomicityViolations([], await replayAfterLengthFlip())).toEqual([]);
  });

  it('the planted codec replays a transaction nobody committed, and the oracle reports it', async () => {
    planted.lengthNotCovered = true;
    let replayed;
    try {
      replayed = await replayAfterLengthFlip();
    } finally {
      planted.lengthNotCovered = false;
    }
    const violations = atomicityViolations([], replayed);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^replayed \[1\.\.3\] \{"x{239}"\}, which no session committed$/);
  });
});
