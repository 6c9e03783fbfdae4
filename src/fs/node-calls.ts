// How the node:fs adapter (node-fs.ts) makes a call: Node's errors rethrown as FsError carrying
// the POSIX code, a callback call wrapped into a promise (libuv's thread pool), and the event-loop
// turn the blocking mode gives back after every call that waits.

import { FsError } from './port.js';

export function toFsError(error: unknown, op: string, target: string): FsError {
  if (error instanceof FsError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'EIO';
  return new FsError(code, op, target, error instanceof Error ? error.message : undefined);
}

export function rethrow(error: unknown, op: string, target: string): never {
  throw toFsError(error, op, target);
}

export function guarded<T>(op: string, target: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    return rethrow(error, op, target);
  }
}

export type IoMode = 'non-blocking' | 'blocking';

/** One turn of the event loop: what the blocking mode gives back after every call that waits. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Wraps a node:fs callback call into a promise whose failure is an FsError. */
export function pooled<T>(op: string, target: string, start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => {
      if (error === null) resolve(value);
      else reject(toFsError(error, op, target));
    });
  });
}

/** Runs a blocking call, then yields one turn; its failure is a rejected FsError. */
export function blockingThenTurn<T>(op: string, target: string, action: () => T): Promise<T> {
  let value: T;
  try {
    value = action();
  } catch (error) {
    return Promise.reject(toFsError(error, op, target));
  }
  // One promise, resolved by the turn itself: this runs once per commit in blocking mode.
  return new Promise((resolve) => setImmediate(resolve, value));
}
