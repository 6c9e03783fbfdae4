// Runs the core's effects through the FileSystem port. It keeps one open handle per segment file
// so the hot path (write + fdatasync of the active segment) opens nothing. A short write is
// treated as a failed write: the writer then cuts the file back and poisons, rather than trying
// to finish a frame on a device that just refused part of it.

import { match } from 'ts-pattern';
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

  run(effect: Effect): void {
    match(effect)
      .with({ kind: 'create' }, (e) => {
        this.#handles.set(e.file, this.#fs.open(this.path(e.file), 'create-exclusive'));
      })
      .with({ kind: 'write' }, (e) => {
        const written = this.handle(e.file).write(e.data, e.offsetBytes);
        if (written !== e.data.length) {
          throw new FsError('SHORT_WRITE', 'write', this.path(e.file), `short write: ${written} of ${e.data.length} bytes`);
        }
      })
      .with({ kind: 'fsync' }, (e) => this.handle(e.file).datasync())
      .with({ kind: 'fsyncDir' }, () => this.#fs.fsyncDir(this.#dir))
      .with({ kind: 'truncate' }, (e) => this.handle(e.file).truncate(e.sizeBytes))
      .with({ kind: 'rename' }, (e) => {
        this.#closeHandle(e.from);
        this.#fs.rename(this.path(e.from), this.path(e.to));
      })
      .with({ kind: 'remove' }, (e) => {
        this.#closeHandle(e.file);
        this.#fs.unlink(this.path(e.file));
      })
      .exhaustive();
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
