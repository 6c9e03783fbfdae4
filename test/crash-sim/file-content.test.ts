// crash-sim/file-content.ts: a persistent, chunked file content reads exactly like a plain byte
// array under any writes and resizes, shares what it does not change, and reads its external bytes
// (a file of the initial image) only where a write lands or a read asks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../../crash-sim/content-digest.js';
import { ContentBuilder } from '../../crash-sim/content-builder.js';
import { CHUNK_BYTES, FileContent, type ExternalBytes } from '../../crash-sim/file-content.js';
import { plainFileAfter } from './plain-file-model.js';

type Step = { readonly kind: 'write'; readonly at: number; readonly length: number; readonly fill: number } | { readonly kind: 'resize'; readonly size: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(3 * CHUNK_BYTES), length: fc.integer({ min: 1, max: 2 * CHUNK_BYTES }), fill: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('resize' as const), size: fc.nat(4 * CHUNK_BYTES) }),
);

function dataOf(s: Extract<Step, { kind: 'write' }>): Uint8Array {
  return Uint8Array.from({ length: s.length }, (_, i) => (s.fill === 0 ? 0 : (s.at + i) * s.fill + 1) & 0xff);
}

/** A plain array doing the same. */
const model = (initial: Uint8Array, steps: readonly Step[]): Uint8Array => plainFileAfter(initial, steps, dataOf);

function external(bytes: Uint8Array, reads: { count: number }): ExternalBytes {
  return {
    id: 'initial',
    sizeBytes: bytes.length,
    read: (offsetBytes, lengthBytes) => {
      reads.count++;
      return bytes.slice(offsetBytes, offsetBytes + lengthBytes);
    },
  };
}

/** The content the steps leave, from the empty file. */
function contentAfter(steps: readonly Step[]): FileContent {
  let content = FileContent.EMPTY;
  for (const s of steps) content = s.kind === 'write' ? content.write(s.at, dataOf(s)) : content.resize(s.size);
  return content;
}

/** The bytes the extents of a content spell out (chunks and zeros; no external bytes here). */
function fromExtents(content: FileContent): Uint8Array {
  const out = new Uint8Array(content.sizeBytes);
  for (const extent of content.extents()) if (extent.kind === 'bytes') out.set(extent.bytes, extent.offsetBytes);
  return out;
}

const initialBytes = Uint8Array.from({ length: 2 * CHUNK_BYTES + 100 }, (_, i) => (i * 7 + 3) & 0xff);

describe('file contents as copy-on-write chunks', () => {
  it('read back exactly what a plain byte array holds, from empty or from external bytes, and earlier versions never change', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 12 }), (fromExternal, steps) => {
        const start = fromExternal ? FileContent.external(external(initialBytes, { count: 0 })) : FileContent.EMPTY;
        const versions = [start];
        for (const s of steps) {
          const last = versions[versions.length - 1] as FileContent;
          versions.push(s.kind === 'write' ? last.write(s.at, dataOf(s)) : last.resize(s.size));
        }
        versions.forEach((version, i) => {
          const expected = model(fromExternal ? initialBytes : new Uint8Array(0), steps.slice(0, i));
          expect(version.sizeBytes).toBe(expected.length);
          expect(Buffer.from(version.toBytes()).equals(Buffer.from(expected))).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a file grown past 128 KiB by a resize (ftruncate, fallocate) or by its external bytes reads zeros or its external bytes there, never a lower slot\'s chunk', () => {
    // Found by the property below: a slot past the trie's reach read the chunk 32 slots lower, so
    // a write into part of such a slot kept that chunk's bytes around it (etcd's fallocated WAL).
    const head = new Uint8Array(CHUNK_BYTES).fill(7);
    const grown = FileContent.EMPTY.write(0, head).resize(1024 * 1024).write(32 * CHUNK_BYTES, new Uint8Array(100).fill(9));
    const expected = new Uint8Array(CHUNK_BYTES);
    expected.fill(9, 0, 100);
    expect(Buffer.from(grown.read(32 * CHUNK_BYTES, CHUNK_BYTES)).equals(Buffer.from(expected))).toBe(true);
    expect(grown.read(64 * CHUNK_BYTES, 8).every((b) => b === 0)).toBe(true);
    const big = Uint8Array.from({ length: 40 * CHUNK_BYTES }, (_, i) => (i % 251) + 1);
    const external = FileContent.external({ id: 'big', sizeBytes: big.length, read: (o, l) => big.slice(o, o + l) }).write(0, head).write(33 * CHUNK_BYTES + 10, new Uint8Array(5).fill(0));
    const model = big.slice();
    model.set(head, 0);
    model.fill(0, 33 * CHUNK_BYTES + 10, 33 * CHUNK_BYTES + 15);
    expect(Buffer.from(external.toBytes()).equals(Buffer.from(model))).toBe(true);
    // Every slot of a level full: 200 KiB of bytes, read back and spelled out by the extents.
    const whole = Uint8Array.from({ length: 200 * 1024 }, (_, i) => (i % 253) + 1);
    expect(Buffer.from(FileContent.of(whole).toBytes()).equals(Buffer.from(whole))).toBe(true);
    expect(Buffer.from(fromExtents(FileContent.of(whole))).equals(Buffer.from(whole))).toBe(true);
    // A full two-level file of 4 MiB cut inside its last slot but one: every first-level node stays.
    const full = Uint8Array.from({ length: 4 * 1024 * 1024 }, (_, i) => (i % 241) + 1);
    const cut = FileContent.of(full).resize(full.length - 5000);
    expect(Buffer.from(cut.toBytes()).equals(Buffer.from(full.subarray(0, full.length - 5000)))).toBe(true);
  });

  it('read back what a plain byte array holds for small writes and resizes anywhere in 5 MiB, where the slots hang two and three levels deep', () => {
    // 32 slots of 4 KiB a level: past 128 KiB a slot is two levels down, past 4 MiB three.
    const far: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), at: fc.nat(5 * 1024 * 1024), length: fc.integer({ min: 1, max: 64 }), fill: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('resize' as const), size: fc.nat(5 * 1024 * 1024) }),
    );
    fc.assert(
      fc.property(fc.array(far, { minLength: 1, maxLength: 8 }), (steps) => {
        const content = contentAfter(steps);
        const expected = model(new Uint8Array(0), steps);
        expect(content.sizeBytes).toBe(expected.length);
        expect(Buffer.from(content.toBytes()).equals(Buffer.from(expected))).toBe(true);
        expect(Buffer.from(fromExtents(content)).equals(Buffer.from(expected))).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('a file cut short and grown again reads zeros where it was cut, at every trie level', () => {
    const write = fc.record({ kind: fc.constant('write' as const), at: fc.nat(5 * 1024 * 1024), length: fc.integer({ min: 1, max: 64 }), fill: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(write, { minLength: 1, maxLength: 12 }), fc.nat(5 * 1024 * 1024), (writes, cutTo) => {
        const steps: Step[] = [...writes, { kind: 'resize', size: cutTo }, { kind: 'resize', size: 5 * 1024 * 1024 + 64 }];
        const content = contentAfter(steps);
        const expected = model(new Uint8Array(0), steps);
        expect(Buffer.from(content.toBytes()).equals(Buffer.from(expected))).toBe(true);
        expect(Buffer.from(fromExtents(content)).equals(Buffer.from(expected))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('a builder writing in place gives the same content as the same writes one by one', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const base = FileContent.of(initialBytes.slice(0, 5000));
        const builder = new ContentBuilder(base);
        let oneByOne = base;
        for (const s of steps) {
          if (s.kind === 'write') {
            builder.write(s.at, dataOf(s));
            oneByOne = oneByOne.write(s.at, dataOf(s));
          } else {
            builder.resize(s.size);
            oneByOne = oneByOne.resize(s.size);
          }
        }
        const built = builder.build();
        expect(Buffer.from(built.toBytes()).equals(Buffer.from(oneByOne.toBytes()))).toBe(true);
        expect(contentDigest(built)).toBe(contentDigest(oneByOne));
        expect(base.toBytes()).toEqual(initialBytes.slice(0, 5000));
      }),
      { numRuns: 60 },
    );
  });

  it('digests are equal exactly when the bytes are, however the zeros are held', () => {
    const zeros = FileContent.EMPTY.resize(3 * CHUNK_BYTES);
    const written = FileContent.EMPTY.write(0, new Uint8Array(3 * CHUNK_BYTES));
    const short = FileContent.EMPTY.resize(3 * CHUNK_BYTES).write(CHUNK_BYTES, Uint8Array.of(0, 0));
    expect(new Set([contentDigest(zeros), contentDigest(written), contentDigest(short)]).size).toBe(1);
    expect(contentDigest(zeros.write(5, Uint8Array.of(1)))).not.toBe(contentDigest(zeros));
    expect(contentDigest(zeros.resize(3 * CHUNK_BYTES + 1))).not.toBe(contentDigest(zeros));
  });

  it('never reads external bytes that no write touches, and reads one slot for a write inside it', () => {
    const reads = { count: 0 };
    const big = FileContent.external(external(new Uint8Array(64 * CHUNK_BYTES).fill(9), reads));
    const grown = big.resize(100 * CHUNK_BYTES).resize(64 * CHUNK_BYTES);
    contentDigest(grown);
    expect([...grown.extents()].map((e) => e.kind)).toEqual(['external']);
    expect(reads.count).toBe(0);
    const patched = big.write(10 * CHUNK_BYTES + 5, Uint8Array.of(1, 2, 3)).write(20 * CHUNK_BYTES, new Uint8Array(CHUNK_BYTES));
    expect(reads.count).toBe(1);
    expect([...patched.extents()].map((e) => `${e.kind}@${e.offsetBytes / CHUNK_BYTES}`)).toEqual(['external@0', 'bytes@10', 'external@11', 'bytes@20', 'external@21']);
  });

  it('is its external bytes alone again once every chunk written past them is cut off, at any depth of the trie', () => {
    const size = 64 * CHUNK_BYTES;
    const big = FileContent.external(external(new Uint8Array(size).fill(9), { count: 0 }));
    expect(big.isExternalOnly()).toBe(true);
    for (const slots of [[64], [65, 100], [70, 1500, 40_000]]) {
      const written = slots.reduce((content, slot) => content.write(slot * CHUNK_BYTES, Uint8Array.of(1)), big);
      expect(written.isExternalOnly(), `${slots}`).toBe(false);
      // Cut in two steps, so that one node is left empty below one that still holds a chunk.
      const cut = written.resize((slots[0]! + 1) * CHUNK_BYTES).resize(size);
      expect(cut.isExternalOnly(), `${slots}`).toBe(true);
      expect([...cut.extents()].map((e) => e.kind), `${slots}`).toEqual(['external']);
    }
  });

  it('a truncate hides external bytes for good: growing again reads zeros', () => {
    const content = FileContent.external(external(initialBytes, { count: 0 })).resize(10).resize(20);
    expect([...content.toBytes()]).toEqual([...initialBytes.slice(0, 10), ...new Array<number>(10).fill(0)]);
  });
});
