// The commit LSNs of this session, and which of them are transaction boundaries (no transaction
// open right after the commit): what checkpoint() needs to refuse a snapshot LSN that is not a
// commit, or that splits a transaction (src/core/checkpoint.ts, snapshotLsnRefusal). One bit per
// LSN above a base that moves up with every checkpoint (set for a boundary commit), so the memory
// is bounded by the LSNs allocated since the last checkpoint, never by the whole log; a commit
// that splits a transaction keeps the begin LSN of the oldest one open across it, to name it, as
// its distance below the commit in two bytes, and that distance is also what marks it a commit.
// Under group commit nearly every commit splits one, so that is 2⅛ bytes per LSN since the last
// checkpoint (it was 8¼ with the begin LSN kept as a float: about 25 bytes per commit, about 9 GB
// an hour at 100k commits/s for a host that never checkpoints, against about 2.3 GB now).

import type { CommitPoint } from './core/checkpoint.js';
import type { Lsn } from './core/records.js';

/** The largest distance from a split commit down to its oldest open begin that #splitAges holds. */
const MAX_AGE = 0xffff;

export class CommitPoints {
  /** The bit for LSN base + 1 + i, set when it is a boundary commit, is bit i % 8 of byte i / 8. */
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
    // Stryker disable next-line ConditionalExpression: the checkpointer notes only commits above the base (every commit comes after the last checkpoint's LSN, and dropThrough rebases to or below that), so the guard never turns one away
    if (i < 0) return;
    const byte = i >> 3;
    if (byte >= this.#bits.length) {
      // Stryker disable next-line ArithmeticOperator: doubling only keeps growth amortised; any size of at least byte + 1 holds the same bits
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    if (oldestOpenBegin === null) this.#bits[byte] = this.#bits[byte]! | (1 << (i & 7));
    else this.#noteSplit(i, oldestOpenBegin);
  }

  #noteSplit(i: number, oldestOpenBegin: Lsn): void {
    const lsn = this.#base + 1 + i;
    const age = lsn - oldestOpenBegin;
    let ages = this.#splitAges;
    if (ages === null || i >= ages.length) {
      // Eight ages a byte of bits, which note() has grown to hold `i` already.
      const grown = new Uint16Array(this.#bits.length * 8);
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
    // Outside the bits (below the base, or past the last commit noted) the byte read is undefined:
    // no boundary, and no begin below either: unknown.
    if ((((this.#bits[i >> 3] ?? 0) >> (i & 7)) & 1) !== 0) return { kind: 'boundary' };
    // Only a commit that splits a transaction has its oldest open begin noted (near: its age; far:
    // the map); any other LSN has neither, and is unknown.
    const age = this.#splitAges?.[i] ?? 0;
    const txBeginLsn = age !== 0 ? lsn - age : (this.#farBegins.get(lsn) ?? 0);
    return txBeginLsn !== 0 ? { kind: 'split', txBeginLsn } : { kind: 'unknown' };
  }

  /** Forgets everything at or below `lsn` (a checkpoint at `lsn` committed). */
  dropThrough(lsn: Lsn): void {
    const drop = lsn - this.#base;
    if (drop <= 0) return;
    // Keep the byte alignment simple: shift by whole bytes and re-base to a multiple of 8.
    const bytes = drop >> 3;
    this.#bits = bytes >= this.#bits.length ? new Uint8Array(256) : this.#bits.slice(bytes);
    const ages = this.#splitAges;
    if (ages !== null) this.#splitAges = bytes * 8 >= ages.length ? null : ages.slice(bytes * 8);
    this.#base += bytes * 8;
    // Stryker disable next-line EqualityOperator: an entry at the base itself is one of the LSNs at or below the fence that may stay known (the checkpointer refuses them before asking)
    for (const commitLsn of this.#farBegins.keys()) if (commitLsn <= this.#base) this.#farBegins.delete(commitLsn);
  }
}
