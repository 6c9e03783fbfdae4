// crash-sim/file-image.ts: the image of one file when exactly a chosen set of its pieces (and the
// durable ones) persisted. The size rule: with safeAppend ('cut') the file ends at the first byte
// no persisted piece provided, never below the size an fsync made durable; off ('zeros',
// 'garbage') it keeps the grown size since the last persisted truncate, its holes zeros or
// garbage. The byte classes say, against the page cache before the crash, which bytes are durable,
// torn, lost or garbage. Checked on examples, and against a plain-array model of the same rules
// on random logs of writes, truncates, fallocates and fsyncs that succeed or fail, over a base
// from the initial image (external bytes) or empty, several chunks long.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOp } from '../../crash-sim/apply-op.js';
import { snapshotOf } from '../../crash-sim/file-crash.js';
import { CHUNK_BYTES, FileContent } from '../../crash-sim/file-content.js';
import { ByteClass, buildImage, type SizeMode } from '../../crash-sim/file-image.js';
import type { Piece } from '../../crash-sim/file-pieces.js';
import { resolveKnobs } from '../../crash-sim/knobs.js';
import { garbageByte } from '../../crash-sim/prng.js';
import { emptyState, loadImage, type SimOpInput, type SimState } from '../../crash-sim/sim-state.js';
import { recorded } from './op-log.js';

const SECTOR = 512;
const INODE = 1;

type Step =
  | { readonly kind: 'write'; readonly at: number; readonly length: number; readonly fill: number }
  | { readonly kind: 'truncate'; readonly size: number }
  | { readonly kind: 'fallocate'; readonly at: number; readonly length: number }
  | { readonly kind: 'fsync'; readonly ok: boolean };

function dataOf(length: number, fill: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => ((i * 13 + fill * 31) & 0xff) | 0x80);
}

/** The state after the steps, on one file /f whose base is `initial` (external bytes, as the initial image's files are). */
function stateOf(initial: Uint8Array | null, steps: readonly Step[]): SimState {
  const state = emptyState(resolveKnobs({ sectorBytes: SECTOR }));
  const base = initial === null ? new Uint8Array(0) : initial;
  loadImage(state, [['/f', initial === null ? base : FileContent.external({ id: 'initial', sizeBytes: base.length, read: (at, n) => base.slice(at, at + n) })]], []);
  steps.forEach((s, index) => {
    const input: SimOpInput =
      s.kind === 'write'
        ? { kind: 'write', path: '/f', inode: INODE, offsetBytes: s.at, data: dataOf(s.length, s.fill), writtenBytes: s.length, errno: null }
        : s.kind === 'truncate'
          ? { kind: 'truncate', path: '/f', inode: INODE, sizeBytes: s.size }
          : s.kind === 'fallocate'
            ? { kind: 'fallocate', path: '/f', inode: INODE, offsetBytes: s.at, lengthBytes: s.length, keepSize: false }
            : { kind: 'fsync', path: '/f', inode: INODE, errno: s.ok ? null : 'EIO' };
    applyOp(state, recorded(input, index));
  });
  return state;
}

function snapshotAfter(initial: Uint8Array | null, steps: readonly Step[]) {
  const file = stateOf(initial, steps).files.get(INODE);
  if (file === undefined) throw new Error('no file');
  return snapshotOf(file);
}

function resized(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, Math.min(size, bytes.length)));
  return out;
}

/** The image and its classes by the rules, with plain arrays: one entry per byte. */
function modelImage(base: Uint8Array, cache: Uint8Array, pieces: readonly Piece[], chosen: ReadonlySet<number>, mode: SizeMode, inode: number): { bytes: Uint8Array; classes: Uint8Array } {
  let bytes: Uint8Array = base.slice();
  let provided: boolean[] = Array.from({ length: base.length }, () => true);
  let size = base.length;
  let grown = size;
  let durableSize = size;
  const persisted = new Set<number>();
  pieces.forEach((p, i) => {
    if (p.kind === 'write') grown = Math.max(grown, p.sizeAfterBytes);
    if (p.status !== 'durable' && !chosen.has(i)) return;
    if (p.status === 'durable') durableSize = p.sizeAfterBytes;
    if (p.kind === 'truncate') {
      bytes = resized(bytes, Math.min(bytes.length, p.sizeAfterBytes));
      provided = provided.slice(0, p.sizeAfterBytes);
      size = grown = p.sizeAfterBytes;
    } else if (p.kind === 'fallocate') {
      for (let at = size; at < p.sizeAfterBytes; at++) provided[at] = true;
      size = Math.max(size, p.sizeAfterBytes);
    } else {
      persisted.add(p.seq);
      if (bytes.length < p.startBytes + p.content.length) bytes = resized(bytes, p.startBytes + p.content.length);
      bytes.set(p.content, p.startBytes);
      for (let at = p.startBytes; at < p.startBytes + p.content.length; at++) provided[at] = true;
      size = p.sizeAfterBytes;
    }
  });
  let hole = -1;
  for (let at = 0; at < size; at++) if (provided[at] !== true) { hole = at; break; }
  const finalSize = mode === 'cut' ? (hole === -1 ? size : Math.max(hole, Math.min(durableSize, size))) : Math.max(size, cache.length, grown);
  const filled = (at: number): boolean => mode !== 'cut' && at < finalSize && provided[at] !== true;
  const image = resized(bytes, finalSize);
  if (mode === 'garbage') for (let at = 0; at < finalSize; at++) if (filled(at)) image[at] = garbageByte(inode, at);
  // Which write last wrote each byte of the page cache.
  const writer: (number | undefined)[] = [];
  for (const p of pieces) {
    if (p.kind === 'write') for (let at = p.dataStartBytes; at < p.dataEndBytes; at++) writer[at] = p.seq;
    else if (p.kind === 'truncate') writer.length = Math.min(writer.length, p.sizeAfterBytes);
  }
  const classes = new Uint8Array(Math.max(finalSize, cache.length));
  for (let at = 0; at < classes.length; at++) {
    const w = at < cache.length ? writer[at] : undefined;
    classes[at] = filled(at) ? ByteClass.garbage : at < Math.min(finalSize, cache.length) && image[at] === cache[at] ? ByteClass.durable : w !== undefined && persisted.has(w) ? ByteClass.torn : ByteClass.lost;
  }
  return { bytes: image, classes };
}

const REACH = 3 * CHUNK_BYTES;
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), at: fc.nat(REACH), length: fc.integer({ min: 1, max: 1500 }), fill: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(REACH) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fallocate' as const), at: fc.nat(REACH), length: fc.integer({ min: 1, max: CHUNK_BYTES }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fsync' as const), ok: fc.boolean() }) },
);

describe('buildImage against a plain-array model of the size rule and the byte classes', () => {
  it('builds the bytes and the classes the model gives, for any chosen pieces and size mode', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 2 * CHUNK_BYTES + 300 }), { nil: null }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.constantFrom<SizeMode>('cut', 'zeros', 'garbage'),
        fc.infiniteStream(fc.boolean()),
        (initialSize, steps, mode, coin) => {
          const initial = initialSize === null ? null : Uint8Array.from({ length: initialSize }, (_, i) => (i * 7 + 3) & 0x7f);
          const snapshot = snapshotAfter(initial, steps);
          const pieces = snapshot.pieces.slice(0, snapshot.count);
          const chosen = new Set(pieces.flatMap((p, i) => (p.status !== 'durable' && coin.next().value === true ? [i] : [])));
          const image = buildImage(snapshot, chosen, mode);
          const model = modelImage(snapshot.base.toBytes(), snapshot.cache.toBytes(), pieces, chosen, mode, snapshot.inode);
          expect(image.content.sizeBytes).toBe(model.bytes.length);
          expect(Buffer.from(image.bytes).equals(Buffer.from(model.bytes))).toBe(true);
          expect([...image.classes]).toEqual([...model.classes]);
          expect(image.sizeMode).toBe(mode);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('buildImage on examples', () => {
  // Two one-sector appends, neither synced: pieces 0 and 1.
  const twoAppends: Step[] = [
    { kind: 'write', at: 0, length: SECTOR, fill: 1 },
    { kind: 'write', at: SECTOR, length: SECTOR, fill: 2 },
  ];

  it('keeps a prefix that persisted, and cuts the file where the first missing piece begins (safeAppend)', () => {
    const snapshot = snapshotAfter(null, twoAppends);
    const first = buildImage(snapshot, new Set([0]), 'cut');
    expect([...first.bytes]).toEqual([...dataOf(SECTOR, 1)]);
    expect([...first.classes]).toEqual([...new Array(SECTOR).fill(ByteClass.durable), ...new Array(SECTOR).fill(ByteClass.lost)]);
    // Only the second persisted: nothing provides byte 0, so the file is empty.
    expect(buildImage(snapshot, new Set([1]), 'cut').content.sizeBytes).toBe(0);
    expect(buildImage(snapshot, new Set(), 'cut').content.sizeBytes).toBe(0);
  });

  it('keeps the grown size without safeAppend, the hole reading as zeros or as garbage', () => {
    const snapshot = snapshotAfter(null, twoAppends);
    const zeros = buildImage(snapshot, new Set([1]), 'zeros');
    expect([...zeros.bytes]).toEqual([...new Array(SECTOR).fill(0), ...dataOf(SECTOR, 2)]);
    expect([...zeros.classes]).toEqual([...new Array(SECTOR).fill(ByteClass.garbage), ...new Array(SECTOR).fill(ByteClass.durable)]);
    const garbage = buildImage(snapshot, new Set([1]), 'garbage');
    const hole = garbage.bytes.subarray(0, SECTOR);
    expect([...hole]).toEqual(Array.from({ length: SECTOR }, (_, at) => garbageByte(snapshot.inode, at)));
    expect(hole.every((b) => b !== 0)).toBe(true);
    // Nothing persisted: the file still has its grown size, all of it a hole.
    expect(buildImage(snapshot, new Set(), 'zeros').content.sizeBytes).toBe(2 * SECTOR);
  });

  it('marks a write that persisted in part as torn where its sectors are missing', () => {
    const snapshot = snapshotAfter(null, [{ kind: 'write', at: 0, length: 2 * SECTOR, fill: 3 }]);
    const torn = buildImage(snapshot, new Set([0]), 'cut');
    expect(torn.content.sizeBytes).toBe(SECTOR);
    expect([...torn.classes]).toEqual([...new Array(SECTOR).fill(ByteClass.durable), ...new Array(SECTOR).fill(ByteClass.torn)]);
    expect(torn.pieces.map((p) => [p.seq, p.kind, p.sector, p.fate])).toEqual([
      [0, 'write', 0, 'survived'],
      [0, 'write', 1, 'lost'],
    ]);
  });

  it('never cuts below the size an fsync made durable: a write in limbo that did not persist reads as zeros under it', () => {
    // A write, an fsync that failed (limbo), a second write and an fsync that succeeded (durable).
    const snapshot = snapshotAfter(null, [...twoAppends.slice(0, 1), { kind: 'fsync', ok: false }, twoAppends[1] as Step, { kind: 'fsync', ok: true }]);
    expect(snapshot.pieces.slice(0, snapshot.count).map((p) => p.status)).toEqual(['limbo', 'durable']);
    const lostLimbo = buildImage(snapshot, new Set(), 'cut');
    expect([...lostLimbo.bytes]).toEqual([...new Array(SECTOR).fill(0), ...dataOf(SECTOR, 2)]);
    expect(lostLimbo.pieces.map((p) => p.fate)).toEqual(['lost', 'durable']);
    expect([...buildImage(snapshot, new Set([0]), 'cut').bytes]).toEqual([...dataOf(SECTOR, 1), ...dataOf(SECTOR, 2)]);
  });

  it('takes the grown size only from writes after a truncate that persisted', () => {
    // Two sectors written, truncated to nothing, then ten bytes: pieces 0, 1 (the write), 2 (the truncate), 3.
    const snapshot = snapshotAfter(null, [{ kind: 'write', at: 0, length: 2 * SECTOR, fill: 1 }, { kind: 'truncate', size: 0 }, { kind: 'write', at: 0, length: 10, fill: 2 }]);
    expect(buildImage(snapshot, new Set([0, 1, 2, 3]), 'zeros').content.sizeBytes).toBe(10);
    // The truncate lost: the first write's size can still show, its bytes where they persisted.
    const noTruncate = buildImage(snapshot, new Set([0, 1, 3]), 'zeros');
    expect(noTruncate.content.sizeBytes).toBe(2 * SECTOR);
    expect([...noTruncate.bytes.subarray(0, 10)]).toEqual([...dataOf(10, 2)]);
    expect([...noTruncate.bytes.subarray(10, 2 * SECTOR)]).toEqual([...dataOf(2 * SECTOR, 1).subarray(10)]);
    expect(noTruncate.pieces.map((p) => [p.kind, p.sector])).toEqual([
      ['write', 0],
      ['write', 1],
      ['truncate', null],
      ['write', 0],
    ]);
  });

  it('grows a file by a fallocate that persisted, keeping the bytes written before it', () => {
    const snapshot = snapshotAfter(null, [{ kind: 'write', at: 0, length: 100, fill: 4 }, { kind: 'fallocate', at: 0, length: CHUNK_BYTES }]);
    const both = buildImage(snapshot, new Set([0, 1]), 'cut');
    expect(both.content.sizeBytes).toBe(CHUNK_BYTES);
    expect([...both.bytes.subarray(0, 100)]).toEqual([...dataOf(100, 4)]);
    expect(both.bytes.subarray(100).every((b) => b === 0)).toBe(true);
    // Only the fallocate: the whole file allocated zeros, none of it missing.
    const allocated = buildImage(snapshot, new Set([1]), 'cut');
    expect(allocated.content.sizeBytes).toBe(CHUNK_BYTES);
    expect(allocated.bytes.every((b) => b === 0)).toBe(true);
  });

  it('keeps bytes of the initial image that no write touched durable, whole chunks at a time', () => {
    const initial = Uint8Array.from({ length: 2 * CHUNK_BYTES }, (_, i) => (i * 5) & 0x7f);
    const snapshot = snapshotAfter(initial, [{ kind: 'write', at: CHUNK_BYTES + 10, length: 20, fill: 5 }]);
    const lost = buildImage(snapshot, new Set(), 'cut');
    expect([...lost.bytes]).toEqual([...initial]);
    const expected = new Array(2 * CHUNK_BYTES).fill(ByteClass.durable);
    for (let at = CHUNK_BYTES + 10; at < CHUNK_BYTES + 30; at++) expected[at] = ByteClass.lost;
    expect([...lost.classes]).toEqual(expected);
    expect(lost.classRuns()).toEqual([
      { startBytes: 0, endBytes: CHUNK_BYTES + 10, value: ByteClass.durable },
      { startBytes: CHUNK_BYTES + 10, endBytes: CHUNK_BYTES + 30, value: ByteClass.lost },
      { startBytes: CHUNK_BYTES + 30, endBytes: 2 * CHUNK_BYTES, value: ByteClass.durable },
    ]);
  });

  it('tells the initial image\'s bytes from zeros where neither holds a chunk of its own', () => {
    // Cut to nothing and grown again by a fallocate: the page cache is zeros with no chunk, while an
    // image where neither persisted still holds the initial image's bytes, read from outside.
    const initial = Uint8Array.from({ length: 2 * CHUNK_BYTES }, (_, i) => (i % 3 === 0 ? 0 : 0x41));
    const snapshot = snapshotAfter(initial, [{ kind: 'truncate', size: 0 }, { kind: 'fallocate', at: 0, length: 2 * CHUNK_BYTES }]);
    const image = buildImage(snapshot, new Set(), 'cut');
    expect([...image.bytes]).toEqual([...initial]);
    expect([...image.classes]).toEqual([...initial].map((b) => (b === 0 ? ByteClass.durable : ByteClass.lost)));
    // Both persisted: zeros against zeros, all of it durable.
    expect(buildImage(snapshot, new Set([0, 1]), 'cut').classRuns()).toEqual([{ startBytes: 0, endBytes: 2 * CHUNK_BYTES, value: ByteClass.durable }]);
    // The initial image cut short in the page cache: the bytes past the cut are lost, not durable.
    const cut = snapshotAfter(initial, [{ kind: 'truncate', size: CHUNK_BYTES + 100 }, { kind: 'fallocate', at: 0, length: 2 * CHUNK_BYTES }]);
    const kept = buildImage(cut, new Set(), 'cut');
    const expected = [...initial].map((b, at) => (at < CHUNK_BYTES + 100 || b === 0 ? ByteClass.durable : ByteClass.lost));
    expect([...kept.classes]).toEqual(expected);
  });

  it('makes its bytes and its class runs once, however often they are asked for', () => {
    const image = buildImage(snapshotAfter(null, twoAppends), new Set([0]), 'cut');
    expect(image.bytes).toBe(image.bytes);
    expect(image.classRuns()).toBe(image.classRuns());
  });

  it('has no classes for an empty file with an empty page cache', () => {
    const image = buildImage(snapshotAfter(null, [{ kind: 'truncate', size: 0 }]), new Set([0]), 'cut');
    expect(image.classes.length).toBe(0);
  });
});
