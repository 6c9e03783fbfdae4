// Digests of file contents (file-content.ts), for telling crash images apart without reading
// what no write touched. Two contents get the same digest when they hold the same bytes:
//   - slot by slot, a chunk is keyed by the digest of its bytes up to its last non-zero byte, so a
//     short chunk, a chunk padded with zeros and an absent slot of zeros key alike;
//   - runs of zero slots are counted, however they are held;
//   - external bytes (a file of the initial image) are keyed by the file's id and the slots they
//     cover, never read: a chunk written with the very bytes the external file holds there keys
//     differently, so two such images count as two states (checked twice, never judged wrongly).
// Chunks never change once they are in a FileContent, and a FileContent never changes, so both
// digests are kept in weak maps.

import { CHUNK_BYTES, type FileContent } from './file-content.js';
import { Digest } from './prng.js';

const chunkDigests = new WeakMap<Uint8Array, string>();
const contentDigests = new WeakMap<FileContent, string>();

/** 'z' for a chunk of zeros, else the digest of its bytes up to its last non-zero byte. */
export function chunkDigest(chunk: Uint8Array): string {
  let digest = chunkDigests.get(chunk);
  // Stryker disable next-line ConditionalExpression: `true` recomputes a digest the weak map already holds: the same string, more work
  if (digest === undefined) {
    let end = chunk.length;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: past the chunk's start `chunk[-1]` is undefined, never 0, so the loop stops at 0 all the same
    while (end > 0 && chunk[end - 1] === 0) end--;
    digest = end === 0 ? 'z' : new Digest().bytes(chunk.subarray(0, end)).digest();
    chunkDigests.set(chunk, digest);
  }
  return digest;
}

/** A digest of the content's bytes (see the header for what counts as equal). */
export function contentDigest(content: FileContent): string {
  const known = contentDigests.get(content);
  if (known !== undefined) return known;
  const hash = new Digest().text(`size ${content.sizeBytes}`);
  if (content.external !== null) hash.text(`external ${content.external.id} ${content.externalBytes}`);
  const externalSlots = content.external === null ? 0 : Math.ceil(content.externalBytes / CHUNK_BYTES);
  let zeros = 0;
  let next = 0;
  const flushZeros = (): void => {
    if (zeros > 0) hash.text(`z${zeros}`);
    zeros = 0;
  };
  const absent = (until: number): void => {
    const externalUntil = Math.min(until, externalSlots);
    if (externalUntil > next) {
      flushZeros();
      hash.text(`x${next}-${externalUntil}`);
    }
    zeros += until - Math.max(next, externalUntil);
  };
  for (const [slot, chunk] of content.chunks()) {
    absent(slot);
    const digest = chunkDigest(chunk);
    if (digest === 'z') zeros++;
    else {
      flushZeros();
      hash.text(digest);
    }
    next = slot + 1;
  }
  // Stryker disable next-line ArithmeticOperator: a bound past the last slot only adds zero slots, as many for every content of one size (the size is hashed first, and external bytes never reach past it), so two contents get equal digests under it exactly when they do without it; only equality of digests is promised and used.
  absent(Math.ceil(content.sizeBytes / CHUNK_BYTES));
  flushZeros();
  const digest = hash.digest();
  contentDigests.set(content, digest);
  return digest;
}
