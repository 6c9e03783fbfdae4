// Compression for the shell: the core does none (src/core stays free of node:*), so the writer is
// handed payloads already deflated, and replay an inflate function. docs/format.md "Deflated
// payloads" says what is stored: a raw DEFLATE stream (no zlib or gzip wrapper) and the length it
// inflates to.
//
// Deflating a payload runs on libuv's thread pool (zlib's callback API) by default, so a large
// transaction never holds the event loop; with `io: 'blocking'` it runs on the calling thread, like
// every other call of that mode. Inflating runs where replay's decoding runs, on the calling
// thread: it is CPU work of the same kind and size as checking the frame's checksum, bounded by the
// frame's raw length, and zlib is given that length as its output limit. zlib's exceptions never
// escape: a stream that does not inflate is reported as null, which replay turns into a typed
// Corruption error.

import * as zlib from 'node:zlib';
import { rawPayloadOf, type Inflate } from './core/codec.js';
import type { StoredPayload, WalRecord } from './core/records.js';

export type CompressionMode = 'none' | 'deflate';

/** node:zlib's inflateRawSync, limited to `rawBytes` of output; null when the stream is corrupt. */
export const inflateRaw: Inflate = (deflated, rawBytes) => {
  try {
    const out = zlib.inflateRawSync(deflated, { maxOutputLength: Math.max(1, rawBytes) });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch {
    return null;
  }
};

/**
 * Below this many payload bytes deflate is not tried: a raw DEFLATE stream of a short payload is
 * not shorter than the payload plus the 4-byte raw length it needs.
 */
export const DEFLATE_MIN_PAYLOAD_BYTES = 64;

/** The stored form of a payload when deflating saves bytes, else null (the frame stores it as it is). */
export function storedIfSmaller(raw: Uint8Array, deflated: Uint8Array): StoredPayload | null {
  return deflated.length + 4 < raw.length ? { deflated, rawBytes: raw.length } : null;
}

/** Deflates the payload of a record's events: synchronously, or on libuv's pool. */
export interface Deflater {
  /** The stored form of `events` as one MutationBatch payload, or null when deflating does not pay. */
  batch(events: readonly Uint8Array[]): StoredPayload | null | Promise<StoredPayload | null>;
  /** The stored form of one Mutation's event, or null. */
  event(event: Uint8Array): StoredPayload | null | Promise<StoredPayload | null>;
}

function rawBatch(events: readonly Uint8Array[]): Uint8Array {
  const record: WalRecord = { kind: 'MutationBatch', lsn: 1, txBeginLsn: 1, events };
  return rawPayloadOf(record);
}

function worthTrying(raw: Uint8Array): boolean {
  return raw.length >= DEFLATE_MIN_PAYLOAD_BYTES;
}

/** Deflates on the calling thread (io: 'blocking'). */
export const syncDeflater: Deflater = {
  batch: (events) => deflateSyncOrNull(rawBatch(events)),
  event: (event) => deflateSyncOrNull(event),
};

function deflateSyncOrNull(raw: Uint8Array): StoredPayload | null {
  if (!worthTrying(raw)) return null;
  try {
    const out = zlib.deflateRawSync(raw);
    return storedIfSmaller(raw, new Uint8Array(out.buffer, out.byteOffset, out.length));
  } catch {
    return null;
  }
}

/** Deflates on libuv's thread pool (the default io). */
export const pooledDeflater: Deflater = {
  batch: (events) => deflatePooledOrNull(rawBatch(events)),
  event: (event) => deflatePooledOrNull(event),
};

function deflatePooledOrNull(raw: Uint8Array): StoredPayload | null | Promise<StoredPayload | null> {
  if (!worthTrying(raw)) return null;
  // A deflate that fails (it cannot, short of memory) stores the payload as it is.
  return new Promise((resolve) => {
    zlib.deflateRaw(raw, (error, out) => resolve(error === null ? storedIfSmaller(raw, new Uint8Array(out.buffer, out.byteOffset, out.length)) : null));
  });
}

/** The deflater for a WAL's options: none without compression, on the calling thread under io 'blocking', else pooled. */
export function deflaterFor(options: { readonly compression: 'none' | 'deflate'; readonly io: 'non-blocking' | 'blocking' }): Deflater | null {
  if (options.compression === 'none') return null;
  return options.io === 'blocking' ? syncDeflater : pooledDeflater;
}
