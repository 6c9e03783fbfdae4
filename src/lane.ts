// A lane: a first-in-first-out mutex for the shell's asynchronous steps. The Wal has two (wal.ts
// says which step takes which): one for the writer's state and the segment's bytes, one for
// fsyncs. A lane that is free is taken synchronously (tryTake), so a step that has nothing to wait
// for costs no promise; otherwise take() queues the caller and resolves when the lane is handed
// to it. release() hands the lane to the oldest waiter, so steps run in the order they were called.

export class Lane {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  /** Whether a step holds the lane or waits for it. */
  get busy(): boolean {
    return this.#held;
  }

  /** Takes the lane if it is free and nobody waits; false otherwise. */
  tryTake(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  /** Resolves once the lane is the caller's. */
  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#held = false;
    else next(); // the lane passes directly: it stays held, now by `next`
  }

  /**
   * Runs `body` holding the lane: at once when the lane is free (no promise hop: a synchronous
   * body's value, or its throw, comes back synchronously), otherwise once the steps queued before
   * it have run. The lane is held until `body`'s promise, if it returns one, settles.
   */
  runInOrder<T>(body: () => T | Promise<T>): T | Promise<T> {
    if (this.tryTake()) return this.#holding(body);
    return this.take().then(() => this.#holding(body));
  }

  #holding<T>(body: () => T | Promise<T>): T | Promise<T> {
    let result: T | Promise<T>;
    try {
      result = body();
    } catch (error) {
      this.release();
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.release();
      return result;
    }
    return result.finally(() => this.release());
  }

  /** Runs `body` holding the lane. */
  async run<T>(body: () => T | Promise<T>): Promise<T> {
    await this.take();
    try {
      return await body();
    } finally {
      this.release();
    }
  }
}
