// Reads a WAL directory's segment files through the FileSystem port, read side only. The CLI
// never takes the directory's writer lock and never opens a file for writing: it may run next to
// a live writer, which keeps its lock, and whatever it finds (a torn tail included) stays on disk
// byte for byte. A frame the writer is appending at this very moment simply shows up as a torn
// tail of the active segment.

import { parseSegmentFileName } from '../core/format.js';
import { FsError, type FileSystem } from '../fs/port.js';
import type { CliFailure } from './cli-failure.js';

export interface SegmentFile {
  readonly name: string;
  readonly id: number;
  readonly bytes: Uint8Array;
}

export type ReadLogResult =
  | { readonly ok: true; readonly segments: readonly SegmentFile[] }
  | { readonly ok: false; readonly failure: CliFailure };

export function readLogDirectory(fs: FileSystem, dir: string): ReadLogResult {
  try {
    if (!fs.exists(dir)) return fail({ kind: 'io', message: `no such directory: ${dir}` });
    if (!fs.isDirectory(dir)) {
      return fail({ kind: 'io', message: `${dir} is a file, not a walref log directory (pass the directory that holds the segments)` });
    }
    const named = fs
      .readdir(dir)
      .map((name) => ({ name, id: parseSegmentFileName(name) }))
      .filter((entry): entry is { name: string; id: number } => entry.id !== null)
      .sort((a, b) => a.id - b.id);
    if (named.length === 0) return fail({ kind: 'no-segments', dir });
    const segments = named.map(({ name, id }) => ({ name, id, bytes: fs.readFile(fs.join(dir, name)) }));
    return { ok: true, segments };
  } catch (error) {
    if (error instanceof FsError) {
      // A segment removed by a concurrent truncateUpTo between readdir and read lands here too;
      // running the command again reads the directory as it is now.
      return fail({ kind: 'io', message: `cannot read ${error.path}: ${error.errno} (${error.op})` });
    }
    throw error;
  }
}

function fail(failure: CliFailure): ReadLogResult {
  return { ok: false, failure };
}
