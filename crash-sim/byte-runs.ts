// Byte ranges as runs instead of one entry per byte: which bytes of a crash image some persisted
// piece provided (file-crash.ts), which op last wrote each byte of the page cache, and the byte
// classes of a crash state. A run is [startBytes, endBytes) with a value; runs are sorted and
// never overlap. Costs grow with the number of runs, never with the size of a file.

export interface ByteRun<T> {
  readonly startBytes: number;
  readonly endBytes: number;
  readonly value: T;
}

/** Sorted, disjoint runs with values; setting a range replaces whatever it overlaps. */
export class RunMap<T> {
  #runs: ByteRun<T>[] = [];

  /** The index of the first run that ends after `at`. */
  #firstEndingAfter(at: number): number {
    let lo = 0;
    let hi = this.#runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#runs[mid] as ByteRun<T>).endBytes <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** [startBytes, endBytes) takes `value`; an equal neighbour that touches it merges with it. */
  set(startBytes: number, endBytes: number, value: T): void {
    if (endBytes <= startBytes) return;
    this.clear(startBytes, endBytes);
    let first = this.#firstEndingAfter(startBytes);
    let run: ByteRun<T> = { startBytes, endBytes, value };
    const before = this.#runs[first - 1];
    if (before !== undefined && before.endBytes === startBytes && before.value === value) {
      run = { startBytes: before.startBytes, endBytes, value };
      first--;
      this.#runs.splice(first, 1);
    }
    const after = this.#runs[first];
    if (after !== undefined && after.startBytes === endBytes && after.value === value) {
      run = { startBytes: run.startBytes, endBytes: after.endBytes, value };
      this.#runs.splice(first, 1);
    }
    this.#runs.splice(first, 0, run);
  }

  /** Nothing in [startBytes, endBytes) any more; an empty or reversed range clears nothing. */
  clear(startBytes: number, endBytes = Number.POSITIVE_INFINITY): void {
    // Without it a run covering startBytes would be split in two (or made to overlap itself).
    if (endBytes <= startBytes) return;
    const first = this.#firstEndingAfter(startBytes);
    let last = first;
    const kept: ByteRun<T>[] = [];
    for (; last < this.#runs.length; last++) {
      const run = this.#runs[last] as ByteRun<T>;
      if (run.startBytes >= endBytes) break;
      if (run.startBytes < startBytes) kept.push({ ...run, endBytes: startBytes });
      if (run.endBytes > endBytes) kept.push({ ...run, startBytes: endBytes });
    }
    this.#runs.splice(first, last - first, ...kept);
  }

  /** The runs overlapping [startBytes, endBytes), clipped to it, with the gaps between them as `gap`. */
  within(startBytes: number, endBytes: number, gap: T): ByteRun<T>[] {
    const out: ByteRun<T>[] = [];
    let at = startBytes;
    for (let i = this.#firstEndingAfter(startBytes); i < this.#runs.length && at < endBytes; i++) {
      const run = this.#runs[i] as ByteRun<T>;
      if (run.startBytes >= endBytes) break;
      if (run.startBytes > at) out.push({ startBytes: at, endBytes: run.startBytes, value: gap });
      const from = Math.max(at, run.startBytes);
      const to = Math.min(endBytes, run.endBytes);
      out.push({ startBytes: from, endBytes: to, value: run.value });
      at = to;
    }
    if (at < endBytes) out.push({ startBytes: at, endBytes, value: gap });
    return out;
  }

  /** The first byte below `limitBytes` that no run covers, or -1. */
  firstGap(limitBytes: number): number {
    let at = 0;
    for (const run of this.#runs) {
      if (at >= limitBytes) return -1;
      if (run.startBytes > at) return at;
      at = Math.max(at, run.endBytes);
    }
    return at < limitBytes ? at : -1;
  }

  get runs(): readonly ByteRun<T>[] {
    return this.#runs;
  }
}

/** Runs of equal values (adjacent equal runs merged), appended in order. */
export function appendRun<T>(runs: ByteRun<T>[], startBytes: number, endBytes: number, value: T): void {
  if (endBytes <= startBytes) return;
  const last = runs[runs.length - 1];
  if (last !== undefined && last.endBytes === startBytes && last.value === value) runs[runs.length - 1] = { startBytes: last.startBytes, endBytes, value };
  else runs.push({ startBytes, endBytes, value });
}
