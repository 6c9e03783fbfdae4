// The directories crash states are written into for the checker: one per check running at once,
// emptied after each check and reused, since creating and removing a directory per state costs
// more than checking a small state in-process. A directory the checker may still be using (its
// function timed out and cannot be stopped) or that cannot be emptied is never reused: it stays
// until the scratch directory that holds them all is removed.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export class StateDirs {
  readonly #root: string;
  readonly #free: string[] = [];
  #made = 0;

  constructor(root: string) {
    this.#root = root;
    mkdirSync(root, { recursive: true });
  }

  /** An empty directory to write a state into. */
  take(): string {
    const dir = this.#free.pop();
    if (dir !== undefined) return dir;
    const fresh = join(this.#root, String(this.#made++));
    mkdirSync(fresh);
    return fresh;
  }

  /** Gives `dir` back after its check: emptied for the next state, or left alone when `reusable` is false. */
  give(dir: string, reusable: boolean): void {
    if (!reusable) return;
    try {
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
      this.#free.push(dir);
    } catch {
      // Left for the scratch directory's removal; the next state gets a fresh directory.
    }
  }
}
