// The turn gate: how the shell keeps a loop of awaited WAL calls from starving the host's event
// loop. Most calls settle without waiting for the disk (buffering a commit, a group-mode flush that
// only writes to the page cache), and an `await` on a settled promise runs the continuation as a
// microtask: a loop of such calls would never let a timer, an I/O callback or a request run. At
// every call the gate checks how long the process has been running microtasks without a turn of
// the event loop; past TURN_BUDGET_MS it yields one turn (FileSystem.yieldTurn: setImmediate on
// the real disk, nothing in the simulator). A call that waits for the disk gives the loop its turn
// anyway, so on the per-commit path the gate costs one clock read and one setImmediate per call.

import type { FileSystem } from './fs/port.js';

/** The longest stretch of settled-promise work before the shell gives the event loop a turn. */
export const TURN_BUDGET_MS = 1;

export class TurnGate {
  readonly #fs: FileSystem;
  /** When the current stretch without a turn began; -1 when a turn has happened since. */
  #stretchStartMs = -1;
  readonly #turned = (): void => {
    this.#stretchStartMs = -1;
  };

  constructor(fileSystem: FileSystem) {
    this.#fs = fileSystem;
  }

  /** Resolves at once, or after one turn of the event loop when the budget is spent. */
  pass(): Promise<void> | undefined {
    const now = performance.now();
    if (this.#stretchStartMs < 0) {
      this.#stretchStartMs = now;
      setImmediate(this.#turned);
      return undefined;
    }
    if (now - this.#stretchStartMs < TURN_BUDGET_MS) return undefined;
    return this.#fs.yieldTurn();
  }
}
