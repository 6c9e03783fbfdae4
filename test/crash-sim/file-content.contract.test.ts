// crash-sim/file-content.ts, the promises its callers build on beyond the bytes it reads back:
// its extents tile the file with runs that crash-test writes out as they are; its chunks never
// reach past the size; isExternalOnly is what lets crash-test copy a snapshot file and stop; it
// reads external bytes only inside the external file, and only where a write or a read needs them;
// and view hands out a view, not a copy, where one chunk holds the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentBuilder } from '../../crash-sim/content-builder.js';
import { CHUNK_BYTES, FileContent, type ExternalBytes } from '../../crash-sim/file-content.js';
import { plainFileAfter } from './plain-file-model.js';

/** External bytes that count their reads and refuse any read outside the file. */
function strictExternal(bytes: Uint8Array, reads: { count: number } = { count: 0 }): ExternalBytes {
  return {
    id: 'initial',
    sizeBytes: bytes.length,
    read: (offsetBytes, lengthBytes) => {
      if (!(offsetBytes >= 0 && lengthBytes >= 0 && offsetBytes + lengthBytes <= bytes.length)) {
        throw new Error(`read of ${lengthBytes} bytes at ${offsetBytes} outside an external file of ${bytes.length}`);
      }
      reads.count++;
      return bytes.slice(offsetBytes, offsetBytes + lengthBytes);
    },
  };
}

const initialBytes = Uint8Array.from({ length: 2 * CHUNK_BYTES + 100 }, (_, i) => ((i * 7 + 3) & 0xff) | 1);

type Step = { readonly kind: 'write'; readonly at: number; readonly length: number } | { readonly kind: 'resize'; readonly size: number };

// Writes of no byte are in: a write(2) of nothing changes neither the bytes nor the size.
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(4 * CHUNK_BYTES), length: fc.integer({ min: 0, max: 2 * CHUNK_BYTES }) }),
  fc.record({ kind: fc.constant('resize' as const), size: fc.nat(4 * CHUNK_BYTES) }),
);

const dataOf = (s: Extract<Step, { kind: 'write' }>): Uint8Array => Uint8Array.from({ length: s.length }, (_, i) => ((s.at + i) * 5 + 2) & 0xff);

const model = (initial: Uint8Array, steps: readonly Step[]): Uint8Array => plainFileAfter(initial, steps, dataOf);

/** The extents checked as a tiling of [0, size) by non-empty runs, and the bytes they spell out. */
function spelledByExtents(content: FileContent): Uint8Array {
  const out = new Uint8Array(content.sizeBytes);
  let at = 0;
  for (const extent of content.extents()) {
    expect(extent.offsetBytes, `${extent.kind} extent`).toBe(at);
    expect(extent.lengthBytes, `${extent.kind} extent at ${at}`).toBeGreaterThan(0);
    if (extent.kind === 'bytes') out.set(extent.bytes.subarray(0, extent.lengthBytes), at);
    if (extent.kind === 'external') out.set(extent.external.read(at, extent.lengthBytes), at);
    at += extent.lengthBytes;
  }
  expect(at).toBe(content.sizeBytes);
  return out;
}

function expectChunksInside(content: FileContent): void {
  for (const [slot, chunk] of content.chunks()) {
    expect(chunk.length, `chunk of slot ${slot}`).toBeGreaterThan(0);
    expect(slot * CHUNK_BYTES + chunk.length, `chunk of slot ${slot}`).toBeLessThanOrEqual(content.sizeBytes);
  }
}

describe('file contents: the promises to their callers', () => {
  it('extents tile the file with non-empty runs that spell its bytes, chunks stay inside the size, and external reads stay inside the external file', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 10 }), fc.nat(5 * CHUNK_BYTES), fc.nat(2 * CHUNK_BYTES), (fromExternal, steps, readAt, readLength) => {
        let content = fromExternal ? FileContent.external(strictExternal(initialBytes)) : FileContent.EMPTY;
        const builder = new ContentBuilder(content);
        for (const s of steps) {
          content = s.kind === 'write' ? content.write(s.at, dataOf(s)) : content.resize(s.size);
          if (s.kind === 'write') builder.write(s.at, dataOf(s));
          else builder.resize(s.size);
        }
        const expected = model(fromExternal ? initialBytes : new Uint8Array(0), steps);
        expect(content.sizeBytes).toBe(expected.length);
        expect(Buffer.from(spelledByExtents(content)).equals(Buffer.from(expected))).toBe(true);
        expect(Buffer.from(content.read(readAt, readLength)).equals(Buffer.from(expected.subarray(readAt, readAt + readLength)))).toBe(true);
        expectChunksInside(content);
        const built = builder.build();
        expect(Buffer.from(spelledByExtents(built)).equals(Buffer.from(expected))).toBe(true);
        expectChunksInside(built);
      }),
      {
        numRuns: 80,
        // Always tried, whatever the budget: a gap of external bytes after a written chunk, and a
        // write inside the partial last slot of the external bytes.
        examples: [
          [true, [{ kind: 'write', at: 0, length: 10 }], CHUNK_BYTES - 5, 20],
          [true, [{ kind: 'write', at: 2 * CHUNK_BYTES + 10, length: 5 }], 2 * CHUNK_BYTES, 120],
        ],
      },
    );
  });

  it('a content made from whole slots of bytes holds a chunk in each of them and none past its end', () => {
    for (const length of [0, 1, CHUNK_BYTES, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 1]) {
      const content = FileContent.of(new Uint8Array(length).fill(4));
      expect([...content.chunks()].map(([slot]) => slot), `${length} bytes`).toEqual(Array.from({ length: Math.ceil(length / CHUNK_BYTES) }, (_, i) => i));
    }
  });

  it('a write of no byte changes nothing, even past the end', () => {
    const content = FileContent.of(Uint8Array.of(1, 2, 3));
    for (const at of [0, 3, 10, CHUNK_BYTES + 7]) {
      const after = content.write(at, new Uint8Array(0));
      expect(after.sizeBytes, `at ${at}`).toBe(3);
      expect([...after.toBytes()]).toEqual([1, 2, 3]);
    }
  });

  it('is its external file alone only while no byte is written, cut or added', () => {
    const base = FileContent.external(strictExternal(initialBytes));
    expect(base.isExternalOnly()).toBe(true);
    expect(FileContent.EMPTY.isExternalOnly()).toBe(false);
    expect(FileContent.of(initialBytes).isExternalOnly()).toBe(false);
    expect(FileContent.EMPTY.resize(10).isExternalOnly()).toBe(false);
    // Written inside the file (same size); cut short (a prefix of the file, which a copy of the
    // whole snapshot file would not be); grown with zeros (longer than that copy).
    expect(base.write(5, Uint8Array.of(0)).isExternalOnly()).toBe(false);
    expect(base.resize(10).isExternalOnly()).toBe(false);
    expect(base.resize(initialBytes.length + 1).isExternalOnly()).toBe(false);
    expect(base.resize(initialBytes.length).isExternalOnly()).toBe(true);
  });

  it('reads external bytes only for the slots a read or a partial write needs', () => {
    const reads = { count: 0 };
    const base = FileContent.external(strictExternal(initialBytes, reads));
    // A read of the first slot reads that slot, not the next one that starts where it ends.
    expect(base.read(0, CHUNK_BYTES).length).toBe(CHUNK_BYTES);
    expect(reads.count).toBe(1);
    // A write that covers all the external bytes of the last, partial slot needs none of them.
    const tail = initialBytes.length - 2 * CHUNK_BYTES;
    base.write(2 * CHUNK_BYTES, new Uint8Array(tail).fill(8));
    expect(reads.count).toBe(1);
    // A write into a slot past the external bytes (the file grown) reads nothing either.
    const grown = base.resize(5 * CHUNK_BYTES).write(4 * CHUNK_BYTES + 5, Uint8Array.of(1));
    expect(reads.count).toBe(1);
    expect([...grown.read(4 * CHUNK_BYTES, 7)]).toEqual([0, 0, 0, 0, 0, 1, 0]);
  });

  it('view hands out a view of the chunk wherever one chunk holds the bytes, up to its last one', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const content = FileContent.of(bytes);
    for (const [at, length] of [[0, 100], [40, 60], [99, 1], [0, 1]] as const) {
      const view = content.view(at, length);
      expect(view.buffer, `${length} bytes at ${at}`).toBe(bytes.buffer);
      expect([...view]).toEqual([...bytes.subarray(at, at + length)]);
    }
    expect([...content.resize(200).view(90, 20)]).toEqual([...bytes.subarray(90), ...new Array<number>(10).fill(0)]);
    // In a later slot too: the place in its chunk is counted from the slot's start.
    const long = Uint8Array.from({ length: 2 * CHUNK_BYTES + 50 }, (_, i) => i & 0xff);
    const built = FileContent.of(long);
    for (const at of [CHUNK_BYTES, CHUNK_BYTES + 7, 2 * CHUNK_BYTES + 40]) {
      const view = built.view(at, 10);
      expect(view.buffer, `10 bytes at ${at}`).toBe(long.buffer);
      expect([...view]).toEqual([...long.subarray(at, at + 10)]);
    }
  });
});
