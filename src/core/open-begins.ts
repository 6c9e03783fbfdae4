// The begin LSNs of the writer's open transactions (WriterState.openTransactions), oldest first,
// as a persistent set.
//
// The writer's state is a value: a step returns a new state and never changes the one it was given,
// which the shell may still use (a step computed again after the fsync in flight, a failed effect's
// `before`). A plain array kept that rule by being copied at every begin and every commit, which
// costs O(open transactions) each time: with 64 concurrent committers, two arrays of 64 numbers
// made and three scans a commit (a few per cent of a group commit's CPU), and with 512 most of it
// (docs/performance.md, "Open transactions without a copy per commit").
//
// OpenBegins keeps the same rule at O(1) amortized per begin and per close (O(log n) for a
// membership test) with the version stamps of a persistent array. The values derived from one
// another share a store. Only the newest value of a store changes it, and only by adding at its end
// (a begin: LSNs ascend) or by stamping a member closed with the new version. An older value sees
// only its own part: the members below its end whose closing stamp is above its version. A value
// that is not the newest first copies its members into a store of its own, so any two values stay
// independent, whichever is used first and however often. When a store holds more than twice its
// open members (closed ones accumulate), the newest value moves the open ones to a new store.

import type { Lsn } from './records.js';

interface Store {
  /** Begin LSNs in the order they were added, ascending. */
  readonly lsns: Lsn[];
  /** The version that closed each one; Infinity while it is open in the newest value. */
  readonly closedAt: number[];
  /** The version of the newest value made on this store. */
  version: number;
}

/** A store may hold this many closed members beyond twice its open ones before it is compacted. */
const SLACK = 32;

export class OpenBegins {
  readonly #store: Store;
  readonly #version: number;
  /** The position of the oldest open member, or #end when there is none. */
  readonly #start: number;
  /** One past the last position this value sees. */
  readonly #end: number;
  /** How many members are open. */
  readonly size: number;

  private constructor(store: Store, version: number, start: number, end: number, size: number) {
    this.#store = store;
    this.#version = version;
    this.#start = start;
    this.#end = end;
    this.size = size;
  }

  /** An empty set on a store of its own. */
  static empty(): OpenBegins {
    return new OpenBegins({ lsns: [], closedAt: [], version: 0 }, 0, 0, 0, 0);
  }

  /** A set of `lsns`, which must ascend (a list written out, as a test does). */
  static of(lsns: readonly Lsn[]): OpenBegins {
    let set = OpenBegins.empty();
    for (const lsn of lsns) set = set.with(lsn);
    return set;
  }

  /** The oldest open member, or null when none is open. */
  oldest(): Lsn | null {
    return this.#start < this.#end ? this.#lsnAt(this.#start) : null;
  }

  has(lsn: Lsn): boolean {
    return this.#positionOf(lsn) >= 0;
  }

  /** The set with `lsn` added: `lsn` must be above every LSN added before it (a new TxBegin: the writer's next LSN). */
  with(lsn: Lsn): OpenBegins {
    const last = this.#end > 0 ? this.#lsnAt(this.#end - 1) : -Infinity;
    if (!(lsn > last)) throw new RangeError(`open transactions: a begin LSN ${lsn} at or below ${last}, added before it`);
    const base = this.#isNewest() && this.#store.lsns.length < 2 * this.size + SLACK ? this : this.#copied();
    const store = base.#store;
    store.lsns.push(lsn);
    store.closedAt.push(Infinity);
    store.version += 1;
    return new OpenBegins(store, store.version, base.#start, store.lsns.length, base.size + 1);
  }

  /** The set without `lsn`; the same set when `lsn` is not a member. */
  without(lsn: Lsn): OpenBegins {
    const at = this.#positionOf(lsn);
    if (at < 0) return this;
    // An older value closes on a copy of its own, of which it is the newest (one level deep).
    if (!this.#isNewest()) return this.#copied().without(lsn);
    const store = this.#store;
    store.version += 1;
    store.closedAt[at] = store.version;
    let start = this.#start;
    // The newest value's end is its store's end, where closedAt reads undefined and the comparison
    // fails: the bound is there for the reader, and a mutant of it changes nothing.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (above)
    while (start < this.#end && this.#closedAt(start) <= store.version) start += 1;
    return new OpenBegins(store, store.version, start, this.#end, this.size - 1);
  }

  /**
   * How many entries this value's store holds, open and closed: the memory the set costs. Its cost
   * is part of its contract (a begin on the newest value adds in place; compaction bounds what
   * closed members keep), so its tests read it.
   */
  get storeLength(): number {
    return this.#store.lsns.length;
  }

  /** The members, oldest first. */
  toArray(): Lsn[] {
    const members: Lsn[] = [];
    for (let at = this.#start; at < this.#end; at++) if (this.#openAt(at)) members.push(this.#lsnAt(at));
    return members;
  }

  /** For JSON and for deep comparison in tests: the members, oldest first. */
  toJSON(): Lsn[] {
    return this.toArray();
  }

  #isNewest(): boolean {
    return this.#store.version === this.#version;
  }

  #openAt(at: number): boolean {
    return this.#closedAt(at) > this.#version;
  }

  // The two readers below keep `as` out of comparisons: Stryker prints a mutated `(x as T) < y`
  // without its parentheses, as `x as T < y`, which no TypeScript parser accepts (docs/mutation.md).
  #closedAt(at: number): number {
    return this.#store.closedAt[at] as number;
  }

  #lsnAt(at: number): Lsn {
    return this.#store.lsns[at] as Lsn;
  }

  /** Where `lsn` is among this value's open members, or -1 (a binary search: the LSNs ascend). */
  #positionOf(lsn: Lsn): number {
    let low = this.#start;
    let high = this.#end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#lsnAt(middle) < lsn) low = middle + 1;
      else high = middle;
    }
    return low < this.#end && this.#lsnAt(low) === lsn && this.#openAt(low) ? low : -1;
  }

  /** The same members on a store of their own, of which the copy is the newest value. */
  #copied(): OpenBegins {
    const lsns = this.toArray();
    return new OpenBegins({ lsns, closedAt: lsns.map(() => Infinity), version: 0 }, 0, 0, lsns.length, lsns.length);
  }
}
