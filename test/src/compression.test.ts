// src/compression.ts: payloads are deflated (raw DEFLATE) only when that saves bytes, beyond the
// 4-byte raw length the stored form carries, and never below the size where it cannot pay; the
// pooled and the synchronous deflaters store the same bytes; inflating is limited to the raw
// length and reports a corrupt stream as null, never as zlib's exception; and each option pair gets
// the deflater it names.
import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawPayloadOf } from '../../src/core/codec.js';
import { DEFLATE_MIN_PAYLOAD_BYTES, deflaterFor, inflateRaw, pooledDeflater, storedIfSmaller, syncDeflater } from '../../src/compression.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const compressible = text(JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, kind: 'order', status: 'shipped' }))));
// Random bytes: a raw DEFLATE stream of them is a stored block, 5 bytes longer than they are.
const noise = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

describe('storedIfSmaller', () => {
  it('keeps the deflated form only when it and its 4-byte raw length are shorter than the raw payload', () => {
    const raw = new Uint8Array(100);
    expect(storedIfSmaller(raw, new Uint8Array(95))).toEqual({ deflated: new Uint8Array(95), rawBytes: 100 });
    expect(storedIfSmaller(raw, new Uint8Array(96))).toBeNull();
    expect(storedIfSmaller(raw, new Uint8Array(120))).toBeNull();
  });
});

describe('the deflaters', () => {
  it('deflate a compressible event, the same bytes on the pool and on the calling thread, and the stored form inflates back', async () => {
    const pooled = await pooledDeflater.event(compressible);
    const sync = syncDeflater.event(compressible);
    expect(pooled).not.toBeNull();
    expect(sync).toEqual(pooled);
    expect(pooled?.rawBytes).toBe(compressible.length);
    expect(pooled?.deflated.length).toBeLessThan(compressible.length - 4);
    expect([...(inflateRaw(pooled?.deflated ?? new Uint8Array(0), compressible.length) ?? [])]).toEqual([...compressible]);
  });

  it('deflate a batch as its MutationBatch payload', async () => {
    const events = [compressible, text('short'), compressible];
    const stored = await pooledDeflater.batch(events);
    expect(syncDeflater.batch(events)).toEqual(stored);
    const raw = rawPayloadOf({ kind: 'MutationBatch', lsn: 1, txBeginLsn: 1, events });
    expect(stored?.rawBytes).toBe(raw.length);
    expect([...(inflateRaw(stored?.deflated ?? new Uint8Array(0), raw.length) ?? [])]).toEqual([...raw]);
  });

  it('store a payload as it is when it is too short to try, or when deflate does not save bytes', async () => {
    const repetitive = new Uint8Array(DEFLATE_MIN_PAYLOAD_BYTES - 1).fill(7);
    expect(syncDeflater.event(repetitive)).toBeNull();
    expect(await pooledDeflater.event(repetitive)).toBeNull();
    // At the minimum it is tried, and a run of one byte deflates well.
    expect(syncDeflater.event(new Uint8Array(DEFLATE_MIN_PAYLOAD_BYTES).fill(7))).not.toBeNull();
    expect(await pooledDeflater.event(new Uint8Array(DEFLATE_MIN_PAYLOAD_BYTES).fill(7))).not.toBeNull();
    expect(syncDeflater.event(noise(4096))).toBeNull();
    expect(await pooledDeflater.event(noise(4096))).toBeNull();
    expect(syncDeflater.batch([text('a')])).toBeNull();
  });
});

describe('inflateRaw', () => {
  it('reports a stream that does not inflate, or inflates past the raw length, as null', () => {
    const deflated = new Uint8Array(zlib.deflateRawSync(compressible));
    expect(inflateRaw(Uint8Array.of(0xff, 0xff, 0xff), 10)).toBeNull();
    expect(inflateRaw(deflated, compressible.length - 1)).toBeNull();
    expect(inflateRaw(deflated, compressible.length)?.length).toBe(compressible.length);
  });

  it('inflates an empty payload with a raw length of 0', () => {
    const deflated = new Uint8Array(zlib.deflateRawSync(new Uint8Array(0)));
    expect(inflateRaw(deflated, 0)?.length).toBe(0);
  });
});

describe('deflaterFor', () => {
  it('gives none without compression, the synchronous one under io blocking, else the pooled one', () => {
    expect(deflaterFor({ compression: 'none', io: 'blocking' })).toBeNull();
    expect(deflaterFor({ compression: 'none', io: 'non-blocking' })).toBeNull();
    expect(deflaterFor({ compression: 'deflate', io: 'blocking' })).toBe(syncDeflater);
    expect(deflaterFor({ compression: 'deflate', io: 'non-blocking' })).toBe(pooledDeflater);
  });
});
