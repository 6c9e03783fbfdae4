// The live snapshot openWal hands back: the snapshot the committed MANIFEST names, with its LSN (the
// replay fence) and a way to read its bytes. Reading checks the size and the CRC-32C the MANIFEST
// recorded, so a snapshot damaged on disk is a BadSnapshot error naming the file, never silently
// wrong state. Read it before the next checkpoint: retention may remove it then.

import { crc32c } from './core/crc32c.js';
import { WalError } from './core/errors.js';
import { snapshotFileName, type ManifestSnapshot } from './core/manifest.js';
import type { Lsn } from './core/records.js';
import type { FileSystem } from './fs/port.js';
import { walErrorFromFs } from './io-error.js';
import { READ_CHUNK_BYTES } from './log-reader.js';

export interface LiveSnapshot {
  /** Every transaction committed at or below this LSN is in the snapshot; replay returned the ones above it. */
  readonly lsn: Lsn;
  /** The MANIFEST epoch that committed it. */
  readonly epoch: number;
  /** The snapshot file's name in the WAL directory. */
  readonly file: string;
  readonly sizeBytes: number;
  /** The whole snapshot, checked against the MANIFEST's size and checksum. */
  read(): Promise<Uint8Array>;
  /** The snapshot a chunk at a time; the check happens after the last chunk (a BadSnapshot then). */
  chunks(): AsyncIterable<Uint8Array>;
}

export function liveSnapshotOf(fileSystem: FileSystem, dir: string, epoch: number, entry: ManifestSnapshot): LiveSnapshot {
  const file = snapshotFileName(entry.id);
  const bad = (cause: 'missing' | 'size-mismatch' | 'bad-checksum'): WalError => new WalError({ code: 'BadSnapshot', file, lsn: entry.lsn, cause });
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const path = fileSystem.join(dir, file);
    if (!fileSystem.exists(path)) throw bad('missing');
    let crc = 0;
    let offset = 0;
    try {
      const handle = fileSystem.open(path, 'read');
      try {
        if (handle.sizeBytes() !== entry.sizeBytes) throw bad('size-mismatch');
        while (offset < entry.sizeBytes) {
          // Stryker disable next-line ArithmeticOperator: the file's size was found equal to entry.sizeBytes above, so a longer read stops at its end all the same
          const chunk = await handle.read(offset, Math.min(READ_CHUNK_BYTES, entry.sizeBytes - offset));
          if (chunk.length === 0) throw bad('size-mismatch');
          crc = crc32c(chunk, crc);
          offset += chunk.length;
          if (offset === entry.sizeBytes && crc !== entry.crc32c) throw bad('bad-checksum');
          yield chunk;
        }
        // An empty snapshot has no last chunk to check before: its checksum is checked here.
        if (crc !== entry.crc32c) throw bad('bad-checksum');
      } finally {
        handle.close();
      }
    } catch (error) {
      throw walErrorFromFs(error);
    }
  }
  return {
    lsn: entry.lsn,
    epoch,
    file,
    sizeBytes: entry.sizeBytes,
    chunks,
    async read() {
      const whole = new Uint8Array(entry.sizeBytes);
      let at = 0;
      for await (const chunk of chunks()) {
        whole.set(chunk, at);
        at += chunk.length;
      }
      return whole;
    },
  };
}
