// The calls a Wal has handed out and not yet settled, so that close() can wait for them. close()
// waits for the very promises the host holds, registering its own handlers after the host's, so
// every call made before close() has settled, as the host sees it, before close() resolves.

export class PendingCalls {
  readonly #calls = new Set<Promise<unknown>>();

  /** Counts `call` until it settles, and returns it. */
  track<T>(call: Promise<T>): Promise<T> {
    this.#calls.add(call);
    const forget = (): void => {
      this.#calls.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  /** Resolves once every call tracked so far has settled, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#calls]);
  }
}
