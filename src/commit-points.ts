// The commit LSNs of this session, and which of them are transaction boundaries (no transaction
// open right after the commit): what checkpoint() needs to refuse a snapshot LSN that is not a
// commit, or that splits a transaction (src/core/checkpoint.ts, snapshotLsnRefusal). Two bits per
// LSN above a base that moves up with every checkpoint, so the memory is bounded by the LSNs
// allocated since the last checkpoint, never by the whole log; a commit that splits a transaction
// also keeps the begin LSN of the oldest one open across it, to name it, as its distance below the
// commit in two bytes. Under group commit nearly every commit splits one, so that is 2¼ bytes per
// LSN since the last checkpoint (it was 8¼ with the begin LSN kept as a float: about 25 bytes per
// commit, about 9 GB an hour at 100k commits/s for a host that never checkpoints, against 2.5 GB now).

import type { CommitPoint } from './core/checkpoint.js';
import type { Lsn } from './core/records.js';

const COMMIT = 1;
const BOUNDARY = 2;
/** The largest distance from a split commit down to its oldest open begin that #splitAges holds. */
const MAX_AGE = 0xffff;

export class CommitPoints {
  /** Bits for LSN base + 1 + i live in byte i / 4, two bits each. */
  #base: Lsn;
  #bits = new Uint8Array(256);
  /**
   * For LSN base + 1 + i, at index i: how far below that commit the oldest transaction open right
   * after it began, when it split one (at least 1); 0 otherwise, or when that distance does not fit
   * in two bytes, which #farBegins then holds. Made at the first split commit. An array beside the
   * bits rather than a map: under group commit nearly every commit splits a transaction (its
   * neighbours' are open), and a map entry per commit was a tenth of a commit's CPU.
   */
  #splitAges: Uint16Array | null = null;
  /** Split commits whose oldest open transaction began more than MAX_AGE LSNs below them: commit LSN → begin LSN. */
  readonly #farBegins = new Map<Lsn, Lsn>();

  /** @param base the highest LSN before this session's first record: nothing at or below it is tracked. */
  constructor(base: Lsn) {
    this.#base = base;
  }

  /**
   * A transaction committed at `lsn`, with the begin LSN of the oldest transaction open right
   * after it (null when none is: the commit is a boundary).
   */
  note(lsn: Lsn, oldestOpenBegin: Lsn | null): void {
    const i = lsn - this.#base - 1;
    if (i < 0) return;
    const boundary = oldestOpenBegin === null;
    const byte = i >> 2;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[byte] = this.#bits[byte]! | ((COMMIT | (boundary ? BOUNDARY : 0)) << ((i & 3) * 2));
    if (oldestOpenBegin !== null) this.#noteSplit(i, oldestOpenBegin);
  }

  #noteSplit(i: number, oldestOpenBegin: Lsn): void {
    const lsn = this.#base + 1 + i;
    const age = lsn - oldestOpenBegin;
    let ages = this.#splitAges;
    if (ages === null || i >= ages.length) {
      const grown = new Uint16Array(Math.max(i + 1, this.#bits.length * 4));
      if (ages !== null) grown.set(ages);
      ages = grown;
      this.#splitAges = grown;
    }
    // Stryker disable next-line EqualityOperator: a distance of exactly MAX_AGE fits either way; the answer is the same
    if (age <= MAX_AGE) ages[i] = age;
    else this.#farBegins.set(lsn, lsn - age);
  }

  /** What is known of `lsn`: a boundary commit, a commit that splits a transaction, or nothing. */
  at(lsn: Lsn): CommitPoint {
    const i = lsn - this.#base - 1;
    if (i < 0 || i >> 2 >= this.#bits.length) return { kind: 'unknown' };
    const flags = (this.#bits[i >> 2]! >> ((i & 3) * 2)) & 3;
    if ((flags & BOUNDARY) !== 0) return { kind: 'boundary' };
    if ((flags & COMMIT) === 0) return { kind: 'unknown' };
    const age = this.#splitAges?.[i] ?? 0;
    const txBeginLsn = age !== 0 ? lsn - age : (this.#farBegins.get(lsn) ?? 0);
    return txBeginLsn !== 0 ? { kind: 'split', txBeginLsn } : { kind: 'unknown' };
  }

  /** Forgets everything at or below `lsn` (a checkpoint at `lsn` committed). */
  dropThrough(lsn: Lsn): void {
    const drop = lsn - this.#base;
    if (drop <= 0) return;
    // Keep the byte alignment simple: shift by whole bytes and re-base to a multiple of 4.
    const bytes = drop >> 2;
    this.#bits = bytes >= this.#bits.length ? new Uint8Array(256) : this.#bits.slice(bytes);
    const ages = this.#splitAges;
    if (ages !== null) this.#splitAges = bytes * 4 >= ages.length ? null : ages.slice(bytes * 4);
    this.#base += bytes * 4;
    // Stryker disable next-line EqualityOperator: an entry at the base itself is never asked for (at() answers unknown there); memory only
    for (const commitLsn of this.#farBegins.keys()) if (commitLsn <= this.#base) this.#farBegins.delete(commitLsn);
  }
}
