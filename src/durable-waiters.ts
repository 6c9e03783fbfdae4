// The callers waiting for durability (waitDurable): each waits for one LSN, and is resolved once
// the durable LSN covers it, or rejected with the error that poisoned or closed the WAL. Only
// wal-core.ts settles them, from the state it adopted after an fsync returned (the ordering rule).

import type { WalError } from './core/errors.js';
import type { Lsn } from './core/records.js';

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: WalError) => void;
}

export class DurableWaiters {
  #waiters: Waiter[] = [];
  /** Called when the last waiter is settled (the Wal lets its flusher timer go). */
  readonly #onNone: () => void;

  constructor(onNone: () => void) {
    this.#onNone = onNone;
  }

  /** Resolves once settle() sees a durable LSN at or above `lsn`. */
  waitFor(lsn: Lsn): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ lsn, resolve, reject }));
  }

  /** Resolves the waiters `durableLsn` covers, or rejects all of them with `error`. */
  settle(durableLsn: Lsn, error: WalError | null): void {
    if (this.#waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (error !== null) waiter.reject(error);
      else if (waiter.lsn <= durableLsn) waiter.resolve();
      else keep.push(waiter);
    }
    this.#waiters = keep;
    if (keep.length === 0) this.#onNone();
  }
}
