// The commit LSNs of this session, and which of them are transaction boundaries (no transaction
// open right after the commit): what checkpoint() needs to refuse a snapshot LSN that is not a
// commit, or that splits a transaction (src/core/checkpoint.ts, snapshotLsnRefusal). Two bits per
// LSN above a base that moves up with every checkpoint, so the memory is bounded by the LSNs
// allocated since the last checkpoint (a quarter of a byte each), never by the whole log; a commit
// that splits a transaction also keeps the begin LSN of the oldest one open across it, to name it.

import type { CommitPoint } from './core/checkpoint.js';
import type { Lsn } from './core/records.js';

const COMMIT = 1;
const BOUNDARY = 2;

export class CommitPoints {
  /** Bits for LSN base + 1 + i live in byte i / 4, two bits each. */
  #base: Lsn;
  #bits = new Uint8Array(256);
  /** Split commit LSN -> the begin LSN of the oldest transaction open right after it. */
  readonly #splitBegins = new Map<Lsn, Lsn>();

  /** @param base the highest LSN before this session's first record: nothing at or below it is tracked. */
  constructor(base: Lsn) {
    this.#base = base;
  }

  /** A transaction committed at `lsn`, with the begin LSNs of the transactions open right after it. */
  note(lsn: Lsn, openBegins: readonly Lsn[]): void {
    const i = lsn - this.#base - 1;
    if (i < 0) return;
    const boundary = openBegins.length === 0;
    if (!boundary) this.#splitBegins.set(lsn, Math.min(...openBegins));
    const byte = i >> 2;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[byte] = this.#bits[byte]! | ((COMMIT | (boundary ? BOUNDARY : 0)) << ((i & 3) * 2));
  }

  /** What is known of `lsn`: a boundary commit, a commit that splits a transaction, or nothing. */
  at(lsn: Lsn): CommitPoint {
    const i = lsn - this.#base - 1;
    if (i < 0 || i >> 2 >= this.#bits.length) return { kind: 'unknown' };
    const flags = (this.#bits[i >> 2]! >> ((i & 3) * 2)) & 3;
    if ((flags & BOUNDARY) !== 0) return { kind: 'boundary' };
    const txBeginLsn = this.#splitBegins.get(lsn);
    return (flags & COMMIT) !== 0 && txBeginLsn !== undefined ? { kind: 'split', txBeginLsn } : { kind: 'unknown' };
  }

  /** Forgets everything at or below `lsn` (a checkpoint at `lsn` committed). */
  dropThrough(lsn: Lsn): void {
    const drop = lsn - this.#base;
    if (drop <= 0) return;
    // Keep the byte alignment simple: shift by whole bytes and re-base to a multiple of 4.
    const bytes = drop >> 2;
    this.#bits = bytes >= this.#bits.length ? new Uint8Array(256) : this.#bits.slice(bytes);
    this.#base += bytes * 4;
    for (const split of this.#splitBegins.keys()) if (split <= this.#base) this.#splitBegins.delete(split);
  }
}
