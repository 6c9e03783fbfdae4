// Reading a WAL directory's segments through the FileSystem port, read side only: listing them in
// id order and feeding their bytes, chunk by chunk, to the pure replay machine. openWal uses it
// under its lock; replayDir() uses it without any lock, next to a live writer if need be. Every
// chunk is an asynchronous read (off the main thread on the real disk), so the host's event loop
// turns between chunks however long the log.

import { WalError, type RecoveryPolicy, type Result } from './core/errors.js';
import { parseFreeFileName, parseSegmentFileName } from './core/format.js';
import { inflateRaw } from './compression.js';
import type { ReplayedTransaction } from './core/records.js';
import { ReplayDriver, type ReplaySummary } from './core/replay.js';
import { blockingNodeFileSystem, nodeFileSystem, type IoMode } from './fs/node-fs.js';
import type { FileHandle, FileSystem } from './fs/port.js';
import { throwingWalErrors, walErrorFromFs } from './io-error.js';

export const READ_CHUNK_BYTES = 1024 * 1024;

export interface SegmentEntry {
  readonly name: string;
  readonly id: number;
}

/** Segment files of a directory, oldest first; other files (the lock, free files, a MANIFEST) are ignored. */
export function listSegments(fileSystem: FileSystem, dir: string): SegmentEntry[] {
  return fileSystem
    .readdir(dir)
    .map((name) => ({ name, id: parseSegmentFileName(name) }))
    .filter((entry): entry is SegmentEntry => entry.id !== null)
    .sort((a, b) => a.id - b.id);
}

/** Free files of a directory (docs/format.md "Preallocation and reuse"), with their sizes. */
export function listFreeFiles(fileSystem: FileSystem, dir: string): { name: string; number: number; sizeBytes: number }[] {
  const found: { name: string; number: number; sizeBytes: number }[] = [];
  for (const name of fileSystem.readdir(dir)) {
    const number = parseFreeFileName(name);
    if (number === null) continue;
    const handle = fileSystem.open(fileSystem.join(dir, name), 'read');
    try {
      found.push({ name, number, sizeBytes: handle.sizeBytes() });
    } finally {
      handle.close();
    }
  }
  return found;
}

const io = throwingWalErrors;

async function ioAsync<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw walErrorFromFs(error);
  }
}

/**
 * Which buffer a sweep's next read goes into: undefined for a new one. With reuseBuffers, chunk
 * j + 1 is read into the buffer chunk j - 1 was read into: its batch was yielded before the sweep
 * was resumed to read on, so the host has let go of it, and what the driver still holds there
 * (events of open transactions) is copied out first. Without it, the chunks read once the driver
 * keeps no views to the segment's end (the scan behind a preallocated active segment's last
 * frame: megabytes of zeros) still go into two reused scratch buffers, alternating, so the chunk
 * being replayed is never the one being read.
 */
class ReadBuffers {
  readonly #ring: readonly Uint8Array[] | null;
  readonly #scratch: Uint8Array[] = [];
  /** The buffer of the pair the next read takes: the pairs alternate, read after read. */
  #slot: 0 | 1 = 0;

  constructor(
    private readonly driver: ReplayDriver,
    private readonly chunkBytes: number,
    reuse: boolean,
  ) {
    this.#ring = reuse ? [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)] : null;
  }

  next(): Uint8Array | undefined {
    if (this.#ring !== null) {
      const buffer = this.#ring[this.#nextSlot()]!;
      this.driver.detachFrom(buffer.buffer);
      return buffer;
    }
    if (!this.driver.keepsNoViewsToSegmentEnd()) return undefined;
    return (this.#scratch[this.#nextSlot()] ??= new Uint8Array(this.chunkBytes));
  }

  #nextSlot(): 0 | 1 {
    const slot = this.#slot;
    this.#slot = slot === 0 ? 1 : 0;
    return slot;
  }
}

/** handle.read as a promise even when the port throws at once (the failure is then a rejection). */
function readAt(handle: FileHandle, offsetBytes: number, lengthBytes: number, into: Uint8Array | undefined): Promise<Uint8Array> {
  try {
    return handle.read(offsetBytes, lengthBytes, into);
  } catch (error) {
    return Promise.reject(error);
  }
}

function check<T>(result: Result<T>): T {
  if (!result.ok) throw new WalError(result.error);
  return result.value;
}

export interface SweepOptions {
  readonly checkpointLsn?: number;
  readonly chunkBytes?: number;
  /** What replay does with damage; 'tolerate-torn-tail' by default. */
  readonly recovery?: RecoveryPolicy;
  /**
   * Read every chunk into one of two buffers, reused, instead of a new buffer per chunk (false by
   * default). The transactions of a batch, and their events, are then valid only until the next
   * batch is asked for: a host that keeps an event longer copies it. A fresh buffer per chunk
   * costs a page fault per 4 KiB and garbage collections for the memory it adds, a third of a
   * sweep's CPU (docs/performance.md).
   */
  readonly reuseBuffers?: boolean;
}

/**
 * One forward sweep over every segment of `dir`, read in chunks: yields the transactions each chunk
 * committed, as one array per chunk (none when a chunk committed none), and returns the rest of the
 * replay outcome. Events stay where they were read (each read of live frames gets a new buffer, so
 * nothing overwrites them, unless `reuseBuffers` says the host takes them batch by batch): memory
 * stays bounded by two chunks plus the open transactions, whatever the log's size, as long as the
 * consumer lets go of the transactions it has applied. A malformed or
 * corrupt log, or an I/O failure, is thrown as a WalError; nothing is written and no lock is taken.
 */
export async function* sweepBatches(
  fileSystem: FileSystem,
  dir: string,
  options: SweepOptions = {},
): AsyncGenerator<readonly ReplayedTransaction[], ReplaySummary, void> {
  const chunkBytes = options.chunkBytes ?? READ_CHUNK_BYTES;
  const segments = io(() => listSegments(fileSystem, dir));
  const driver = new ReplayDriver(segments, {
    checkpointLsn: options.checkpointLsn ?? 0,
    // Stryker disable next-line BooleanLiteral: copying the events is memory and time only; they hold the same bytes
    copyEvents: false,
    inflate: inflateRaw,
    policy: options.recovery ?? 'tolerate-torn-tail',
  });
  const buffers = new ReadBuffers(driver, chunkBytes, options.reuseBuffers === true);
  for (const segment of segments) {
    check(driver.beginSegment());
    const handle = io(() => fileSystem.open(fileSystem.join(dir, segment.name), 'read'));
    // One read ahead: the next chunk is read (on the thread pool) while this one is replayed, so
    // the disk's or the page cache's copy and replay's work overlap instead of taking turns. Two
    // chunks are in memory at most, as before one chunk and one frame.
    let ahead: Promise<Uint8Array> | null = readAt(handle, 0, chunkBytes, buffers.next());
    try {
      for (let offset = 0; ahead !== null; offset += chunkBytes) {
        const chunk: Uint8Array = await ioAsync(ahead);
        ahead = chunk.length < chunkBytes ? null : readAt(handle, offset + chunkBytes, chunkBytes, buffers.next());
        // The last read of a file whose size is a multiple of chunkBytes is empty: push takes it as nothing.
        check(driver.push(chunk));
        const committed = driver.takeCommitted();
        if (committed.length > 0) yield committed;
      }
    } finally {
      // A read still in flight (the sweep failed, or its consumer stopped early) ends before the
      // file is closed, so no read ever runs on a closed, or reused, descriptor.
      await Promise.allSettled([ahead]);
      io(() => handle.close());
    }
    check(driver.endSegment());
    const committed = driver.takeCommitted();
    if (committed.length > 0) yield committed;
  }
  const summary = check(driver.finish());
  // A correct end of the log commits nothing (it drops the transactions still open). Whatever it
  // hands over is yielded all the same: a replay that released an uncommitted tail must show in
  // what the host gets, where the checkers look (test/model-based/planted/uncommitted-tail.test.ts).
  const committed = driver.takeCommitted();
  if (committed.length > 0) yield committed;
  return summary;
}

/** sweepBatches one transaction at a time. */
export async function* sweepLog(fileSystem: FileSystem, dir: string, options: SweepOptions = {}): AsyncGenerator<ReplayedTransaction, ReplaySummary, void> {
  const sweep = sweepBatches(fileSystem, dir, options);
  let step = await sweep.next();
  for (; step.done !== true; step = await sweep.next()) yield* step.value;
  return step.value;
}

/**
 * The streaming replay of a WAL directory in batches, the fast form for a large log: `for await`
 * gets the transactions committed in each chunk read (about 1 MiB of log), and the loop inside it
 * applies them without an await each. Read-only, no lock, nothing modified (a torn tail is reported
 * in the returned summary, not cut). A transaction's events are built on first use of `events`;
 * `eventCount` and `event(i)` (on the usual one-batch transaction) need no array at all.
 */
export async function* replayBatches(
  dir: string,
  options: SweepOptions & { readonly fs?: FileSystem; readonly io?: IoMode } = {},
): AsyncGenerator<readonly ReplayedTransaction[], ReplaySummary, void> {
  return yield* sweepBatches(options.fs ?? (options.io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem), dir, options);
}

/**
 * The streaming replay of a WAL directory for `for await`: read-only, no lock, nothing modified (a
 * torn tail is reported in the returned summary, not cut). Suits logs of any size.
 */
export async function* replayDir(
  dir: string,
  options: SweepOptions & { readonly fs?: FileSystem; readonly io?: IoMode } = {},
): AsyncGenerator<ReplayedTransaction, ReplaySummary, void> {
  return yield* sweepLog(options.fs ?? (options.io === 'blocking' ? blockingNodeFileSystem : nodeFileSystem), dir, options);
}
