// Files that are not the log: a workload to read, a report to write, a scratch directory for the
// demo. They live here because src/fs is the only place in walref that imports node:fs; the WAL's
// own files always go through the FileSystem port.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function readTextFile(filePath: string): string {
  return fs.readFileSync(filePath, 'utf8');
}

export function writeTextFile(filePath: string, text: string): void {
  fs.writeFileSync(filePath, text);
}

/** A new empty directory under the OS temporary directory. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
