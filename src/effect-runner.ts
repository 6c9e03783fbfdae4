// Runs the core's effects through the FileSystem port. It keeps one open handle per segment file
// so the hot path (write + fdatasync of the active segment) opens nothing. A short write is
// treated as a failed write: the writer then cuts the file back and poisons, rather than trying
// to finish a frame on a device that just refused part of it.
//
// Two kinds of effects: the ones the port runs synchronously (create, write, truncate, rename,
// remove: page cache and directory entries) run in runNow(); the ones that wait for the disk
// (fsync, fsyncDir, and preallocate, which writes megabytes) only in run(), which returns when the
// disk answered. The shell runs writes
// with runNow() so that a segment's bytes are handed to the OS in LSN order with nothing able to
// slip in between.

import type { Effect } from './core/effects.js';
import { FsError, type FileHandle, type FileSystem } from './fs/port.js';

export class EffectRunner {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #handles = new Map<string, FileHandle>();

  constructor(fileSystem: FileSystem, dir: string) {
    this.#fs = fileSystem;
    this.#dir = dir;
  }

  path(file: string): string {
    return this.#fs.join(this.#dir, file);
  }

  handle(file: string): FileHandle {
    const open = this.#handles.get(file);
    if (open !== undefined) return open;
    const handle = this.#fs.open(this.path(file), 'read-write');
    this.#handles.set(file, handle);
    return handle;
  }

  // A switch rather than ts-pattern: this runs once per write and once per fsync on the commit
  // path, where building a matcher per call showed up in the profile. The `never` default keeps
  // it exhaustive: a new Effect kind does not compile until it is handled here.
  runNow(effect: Effect): void {
    switch (effect.kind) {
      case 'create':
        this.#handles.set(effect.file, this.#fs.open(this.path(effect.file), 'create-exclusive'));
        return;
      case 'write': {
        const written = this.handle(effect.file).write(effect.data, effect.offsetBytes);
        if (written !== effect.data.length) {
          throw new FsError('SHORT_WRITE', 'write', this.path(effect.file), `short write: ${written} of ${effect.data.length} bytes`);
        }
        return;
      }
      case 'fsync':
      case 'fsyncDir':
      case 'preallocate':
        throw new Error(`effect-runner: ${effect.kind} waits for the disk; run it with run()`);
      case 'truncate':
        this.handle(effect.file).truncate(effect.sizeBytes);
        return;
      case 'rename':
        this.#closeHandle(effect.from);
        this.#fs.rename(this.path(effect.from), this.path(effect.to));
        return;
      case 'remove':
        this.#closeHandle(effect.file);
        this.#fs.unlink(this.path(effect.file));
        return;
      // Stryker disable next-line ConditionalExpression: `satisfies never` is checked by the compiler only; the case does nothing when it runs
      default:
        effect satisfies never;
    }
  }

  /** Whether the effect waits for the disk (and must go through run()). */
  static waits(effect: Effect): boolean {
    return effect.kind === 'fsync' || effect.kind === 'fsyncDir' || effect.kind === 'preallocate';
  }

  /** Runs any effect; resolves when it is done (for an fsync: when the disk said OK). */
  // Not an async function: the fsync's own promise is handed back as it is, with no second promise
  // around it (one per commit under per-commit). A synchronous failure still comes back rejected.
  run(effect: Effect): Promise<void> {
    try {
      if (effect.kind === 'fsync') return this.handle(effect.file).datasync();
      if (effect.kind === 'fsyncDir') return this.#fs.fsyncDir(this.#dir);
      if (effect.kind === 'preallocate') return this.handle(effect.file).preallocate(effect.sizeBytes);
      this.runNow(effect);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes the handle of `file` if one is open (a snapshot file, once it is durable). */
  release(file: string): void {
    this.#closeHandle(file);
  }

  #closeHandle(file: string): void {
    const handle = this.#handles.get(file);
    if (handle === undefined) return;
    this.#handles.delete(file);
    handle.close();
  }

  /** Closes every handle; errors are collected so one failing close does not leak the others. */
  closeAll(): unknown[] {
    const errors: unknown[] = [];
    for (const file of [...this.#handles.keys()]) {
      try {
        this.#closeHandle(file);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
