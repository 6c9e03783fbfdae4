// The MANIFEST codec (docs/format.md, "MANIFEST"): what it encodes decodes back, and every way a
// MANIFEST can be damaged is named by its cause.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeManifest,
  encodeManifest,
  liveSnapshot,
  MANIFEST_SNAPSHOTS_MAX,
  manifestBytesFor,
  parseSnapshotFileName,
  snapshotFileName,
  type Manifest,
} from '../../../src/core/manifest.js';
import { writeU32 } from '../../../src/core/codec.js';
import { LSN_MAX } from '../../../src/core/format.js';
import { crc32cOfRange } from '../../../src/core/crc32c.js';

const example: Manifest = {
  epoch: 3,
  firstSegmentId: 2,
  snapshots: [
    { id: 5, lsn: 40, sizeBytes: 1000, crc32c: 0xdeadbeef },
    { id: 4, lsn: 30, sizeBytes: 900, crc32c: 7 },
  ],
};

/** Re-seals a hand-edited MANIFEST with a good checksum, so the check after it is the one that fires. */
function reseal(bytes: Uint8Array): Uint8Array {
  writeU32(bytes, bytes.length - 4, crc32cOfRange(bytes, 0, bytes.length - 4));
  return bytes;
}

describe('the MANIFEST codec', () => {
  it('decodes what it encodes', () => {
    const bytes = encodeManifest(example);
    expect(bytes.length).toBe(manifestBytesFor(2));
    expect(decodeManifest(bytes)).toEqual({ ok: true, manifest: example });
  });

  it('round-trips every manifest it accepts', () => {
    const snapshot = fc.record({ id: fc.integer({ min: 1, max: 2 ** 40 }), lsn: fc.nat(), sizeBytes: fc.nat(), crc32c: fc.nat({ max: 0xffff_ffff }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 50 }), fc.integer({ min: 1, max: 2 ** 50 }), fc.array(snapshot, { minLength: 1, maxLength: 5 }), (epoch, first, raw) => {
        // Newest first: ids strictly descending, LSNs never increasing.
        const snapshots = [...raw]
          .sort((a, b) => b.id - a.id)
          .filter((s, i, all) => i === 0 || s.id !== all[i - 1]!.id)
          .map((s, i, all) => ({ ...s, lsn: Math.min(...all.slice(0, i + 1).map((x) => x.lsn)) }));
        const manifest: Manifest = { epoch, firstSegmentId: first, snapshots };
        expect(decodeManifest(encodeManifest(manifest))).toEqual({ ok: true, manifest });
      }),
    );
  });

  it('a MANIFEST cut short anywhere is truncated or bad-length, never read', () => {
    const bytes = encodeManifest(example);
    for (let at = 0; at < bytes.length; at++) {
      const decoded = decodeManifest(bytes.subarray(0, at));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(['truncated', 'bad-length']).toContain(decoded.cause);
    }
  });

  it('any flipped bit is caught', () => {
    const bytes = encodeManifest(example);
    for (let at = 0; at < bytes.length; at++) {
      for (const bit of [0, 3, 7]) {
        const copy = bytes.slice();
        copy[at] = (copy[at] ?? 0) ^ (1 << bit);
        expect(decodeManifest(copy).ok, `byte ${at} bit ${bit}`).toBe(false);
      }
    }
  });

  it('names a wrong magic, a newer version, an impossible count and bad fields', () => {
    const magic = encodeManifest(example);
    magic[0] = 0x58;
    expect(decodeManifest(magic)).toEqual({ ok: false, cause: 'bad-magic' });
    const version = encodeManifest(example);
    writeU32(version, 8, 2);
    expect(decodeManifest(reseal(version))).toEqual({ ok: false, cause: 'unsupported-version' });
    const count = encodeManifest(example);
    writeU32(count, 28, MANIFEST_SNAPSHOTS_MAX + 1);
    expect(decodeManifest(reseal(count))).toEqual({ ok: false, cause: 'bad-length' });
    // One snapshot more than the most a MANIFEST holds, in exactly as many bytes as that count
    // needs (each entry a copy of the live one's): refused by the count, before any field is read.
    const one = encodeManifest({ ...example, snapshots: example.snapshots.slice(0, 1) });
    const tooMany = new Uint8Array(manifestBytesFor(MANIFEST_SNAPSHOTS_MAX + 1));
    tooMany.set(one.subarray(0, 32));
    for (let i = 0; i <= MANIFEST_SNAPSHOTS_MAX; i++) tooMany.set(one.subarray(32, 60), 32 + 28 * i);
    writeU32(tooMany, 28, MANIFEST_SNAPSHOTS_MAX + 1);
    expect(decodeManifest(reseal(tooMany))).toEqual({ ok: false, cause: 'bad-length' });
    const zeroEpoch = encodeManifest(example);
    zeroEpoch.fill(0, 12, 20);
    expect(decodeManifest(reseal(zeroEpoch))).toEqual({ ok: false, cause: 'bad-body' });
    const disorder = encodeManifest({ ...example, snapshots: [...example.snapshots] });
    // Swap the two LSNs: an older snapshot may not be above the live one.
    writeU32(disorder, 32 + 8, 30);
    writeU32(disorder, 60 + 8, 40);
    expect(decodeManifest(reseal(disorder))).toEqual({ ok: false, cause: 'bad-body' });
  });

  it('refuses to encode a manifest it would not decode, naming the field', () => {
    expect(() => encodeManifest({ ...example, snapshots: [] })).toThrow(new RangeError('manifest: 0 snapshots cannot be encoded'));
    expect(() => encodeManifest({ ...example, epoch: 0 })).toThrow(new RangeError('manifest: epoch 0 cannot be encoded'));
    expect(() => encodeManifest({ ...example, epoch: LSN_MAX + 1 })).toThrow(RangeError);
    expect(() => encodeManifest({ ...example, firstSegmentId: 1.5 })).toThrow(new RangeError('manifest: first segment id 1.5 cannot be encoded'));
    // The largest id is an id.
    expect(decodeManifest(encodeManifest({ ...example, epoch: LSN_MAX }))).toMatchObject({ ok: true, manifest: { epoch: LSN_MAX } });
  });

  it('names each broken field when refusing to encode, and takes every value at the edge of each rule', () => {
    const s0 = example.snapshots[0]!;
    const s1 = example.snapshots[1]!;
    const broken: readonly [Manifest, string][] = [
      [{ ...example, firstSegmentId: 0 }, 'first segment id 0'],
      [{ ...example, snapshots: Array.from({ length: MANIFEST_SNAPSHOTS_MAX + 1 }, (_, i) => ({ ...s0, id: 100 - i })) }, `${MANIFEST_SNAPSHOTS_MAX + 1} snapshots`],
      [{ ...example, snapshots: [{ ...s0, id: 0 }] }, 'snapshot id 0'],
      [{ ...example, snapshots: [{ ...s0, lsn: -1 }] }, 'snapshot LSN -1'],
      [{ ...example, snapshots: [{ ...s0, lsn: 1.5 }] }, 'snapshot LSN 1.5'],
      [{ ...example, snapshots: [{ ...s0, sizeBytes: -1 }] }, 'snapshot size -1'],
      [{ ...example, snapshots: [{ ...s0, sizeBytes: 0.5 }] }, 'snapshot size 0.5'],
      [{ ...example, snapshots: [{ ...s0, crc32c: -1 }] }, 'snapshot checksum -1'],
      [{ ...example, snapshots: [{ ...s0, crc32c: 0x1_0000_0000 }] }, `snapshot checksum ${0x1_0000_0000}`],
      [{ ...example, snapshots: [{ ...s0, crc32c: 1.5 }] }, 'snapshot checksum 1.5'],
      [{ ...example, snapshots: [s0, { ...s1, id: s0.id }] }, `snapshot ${s0.id} is listed after a newer one`],
      [{ ...example, snapshots: [s0, { ...s1, lsn: s0.lsn + 1 }] }, `snapshot ${s1.id} is listed after a newer one`],
    ];
    for (const [manifest, field] of broken) expect(() => encodeManifest(manifest), field).toThrow(new RangeError(`manifest: ${field} cannot be encoded`));
    const edges: readonly Manifest[] = [
      { ...example, snapshots: [{ ...s0, lsn: 0, sizeBytes: 0, crc32c: 0 }] },
      { ...example, snapshots: [{ ...s0, crc32c: 0xffff_ffff }] },
      // An older snapshot may have the same LSN as the newer one.
      { ...example, snapshots: [s0, { ...s1, lsn: s0.lsn }] },
      { ...example, snapshots: Array.from({ length: MANIFEST_SNAPSHOTS_MAX }, (_, i) => ({ ...s0, id: 100 - i })) },
    ];
    for (const manifest of edges) expect(decodeManifest(encodeManifest(manifest))).toEqual({ ok: true, manifest });
  });

  it('a MANIFEST shorter than its fixed part and checksum is truncated; one that holds no snapshot is bad-length', () => {
    const whole = encodeManifest(example);
    const fixedAndCrc = manifestBytesFor(0);
    expect(decodeManifest(whole.subarray(0, fixedAndCrc - 1))).toEqual({ ok: false, cause: 'truncated' });
    const none = encodeManifest(example).slice(0, fixedAndCrc);
    writeU32(none, 28, 0);
    expect(decodeManifest(reseal(none))).toEqual({ ok: false, cause: 'bad-length' });
  });

  it('the live snapshot is the first one named; a manifest without one is a programmer error', () => {
    expect(liveSnapshot(example)).toBe(example.snapshots[0]);
    expect(() => liveSnapshot({ ...example, snapshots: [] })).toThrow('manifest: a MANIFEST names at least one snapshot');
  });

  it('names snapshot files by a zero-padded id and reads the id back', () => {
    expect(snapshotFileName(3)).toBe('snapshot-00000000000000000003.snap');
    expect(parseSnapshotFileName(snapshotFileName(42))).toBe(42);
    expect(parseSnapshotFileName('snapshot-3.snap')).toBeNull();
    expect(parseSnapshotFileName('MANIFEST')).toBeNull();
    // Only the whole name: nothing before it, nothing after it (a temporary file is not a snapshot).
    expect(parseSnapshotFileName(`x${snapshotFileName(42)}`)).toBeNull();
    expect(parseSnapshotFileName(`${snapshotFileName(42)}.tmp`)).toBeNull();
    // Id 0 is no snapshot's, and neither is an id past 2^53 - 1.
    expect(parseSnapshotFileName(snapshotFileName(0))).toBeNull();
    expect(parseSnapshotFileName('snapshot-99999999999999999999.snap')).toBeNull();
    expect(parseSnapshotFileName(snapshotFileName(1))).toBe(1);
  });
});
