// The one place an FsError from the port becomes the public API's WalError (code IoError, with
// the operation, the path and the errno). Anything that is not an FsError is a bug or a WalError
// already, and is handed back unchanged.

import { WalError } from './core/errors.js';
import { FsError } from './fs/port.js';

export function walErrorFromFs(error: FsError): WalError;
export function walErrorFromFs(error: unknown): unknown;
export function walErrorFromFs(error: unknown): unknown {
  if (error instanceof FsError) return new WalError({ code: 'IoError', op: error.op, path: error.path, errno: error.errno });
  return error;
}

/** Runs `action`; an FsError it throws is rethrown as a WalError. */
export function throwingWalErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw walErrorFromFs(error);
  }
}
