// The options of openWal, validated with zod at the trust boundary. A bad option is rejected with
// a WalError of code InvalidOption that names the option (e.g. "sync.intervalMs").

import { WalError } from './core/errors.js';
import { LSN_MAX, SEGMENT_HEADER_BYTES } from './core/format.js';
import type { FileSystem } from './fs/port.js';
import type { TraceSink } from './core/trace.js';
import type { ReplayedTransaction } from './core/records.js';
import type { WriterConfig } from './core/writer-state.js';
import type { Retention } from './core/checkpoint.js';
import { DEFAULT_RECOVERY_POLICY, type RecoveryPolicy } from './core/recovery-policy.js';
import { recoveryPolicySchema, resolveRetention, retainSchema, type RetainOption } from './policy-options.js';
import { onDemand, type ZodNamespace } from './zod-on-demand.js';

export type SyncOption =
  | { readonly mode: 'per-commit' }
  | { readonly mode: 'group'; readonly intervalMs: number; readonly maxCommits?: number }
  | { readonly mode: 'none' };

export interface WalOptions {
  /** When flush() makes data durable; `per-commit` (write + fdatasync at every flush) by default. */
  readonly sync?: SyncOption;
  /** Rotate to a new segment at the next begin() once the active one holds this many bytes. */
  readonly segmentTargetBytes?: number;
  /** Replay skips records at or below this LSN: they are already in the host's snapshot. */
  readonly checkpointLsn?: number;
  /** The file system to run on; the real disk (node:fs) by default, crash-sim's in tests. */
  readonly fs?: FileSystem;
  /**
   * How the real disk is driven (ignored when `fs` is given). 'non-blocking' (the default): fsyncs
   * and replay reads run on libuv's thread pool and the event loop keeps turning while the disk
   * works. 'blocking': synchronous system calls, for a process that does nothing else: it saves
   * one thread-pool round trip per commit (7,332 against 5,914 per-commit commits/s in the last
   * quiet benchmark run), and the event loop still gets one turn after every fsync, but nothing
   * else in the process runs during one (docs/performance.md has the measured trade-off).
   */
  readonly io?: 'non-blocking' | 'blocking';
  /** Receives every action as a trace event; off by default. WALREF_TRACE=<file> also enables it. */
  readonly trace?: TraceSink;
  /**
   * Receives each replayed transaction during open, in commit order, instead of collecting them in
   * `replay.transactions` (which is then empty): open's memory then stays bounded whatever the
   * log's size.
   */
  readonly onTransaction?: (transaction: ReplayedTransaction) => void;
  /**
   * With `onTransaction` (and only with it): replay reads the log into two buffers it reuses
   * instead of a new buffer per chunk, so a transaction handed to `onTransaction`, and its events,
   * are valid only until that call returns (copy an event to keep it). Open then touches no fresh
   * memory for the log, which on a large log is most of its cost (docs/performance.md); false by
   * default.
   */
  readonly reuseBuffers?: boolean;
  /**
   * Create every new segment file at `segmentTargetBytes` (zeros, synced once) before frames go in,
   * and prepare the next one in the background once the active segment is half full, so that a
   * commit overwrites allocated bytes and its fdatasync never changes the file's size. On by
   * default; off, new segments grow as they are written (docs/format.md "Preallocation and reuse").
   */
  readonly preallocate?: boolean;
  /**
   * How many segments freed by truncateUpTo are kept, renamed to free files, to become future
   * segments (a reused file needs neither zeros nor a sync of its size); the rest are unlinked.
   * Default 2; 0 unlinks every freed segment.
   */
  readonly recycleSegments?: number;
  /**
   * 'deflate' stores the events of new Mutation and MutationBatch frames deflated (node:zlib, raw
   * DEFLATE) whenever that saves bytes; 'none' (the default) stores them as they are. Readers follow
   * each frame's flag whatever this option says. Compression runs on libuv's thread pool, or on
   * the calling thread with `io: 'blocking'`.
   */
  readonly compression?: 'none' | 'deflate';
  /** What checkpoint() keeps: snapshots named by the MANIFEST, and segments behind the live one. */
  readonly retain?: RetainOption;
  /** What replay does with damage; 'tolerate-torn-tail' by default (docs/format.md, "Recovery policies"). */
  readonly recovery?: RecoveryPolicy;
}

export const DEFAULT_SEGMENT_TARGET_BYTES = 64 * 1024 * 1024;

/** Free files kept for reuse when the host does not say (WalOptions.recycleSegments). */
export const DEFAULT_RECYCLE_SEGMENTS = 2;

const isFileSystem = (value: unknown): value is FileSystem =>
  typeof value === 'object' && value !== null && 'open' in value && typeof value.open === 'function' && 'lockDirectory' in value && typeof value.lockDirectory === 'function';

const syncSchema = (z: ZodNamespace) =>
  z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('per-commit') }).strict(),
    z
      .object({
        mode: z.literal('group'),
        intervalMs: z.number().int().min(1).max(3_600_000),
        maxCommits: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
    z.object({ mode: z.literal('none') }).strict(),
  ]);

/** The schema of openWal's options, built on first use (src/zod-on-demand.ts). */
const optionsSchema = onDemand((z) =>
  z
    .object({
      sync: syncSchema(z).optional(),
      segmentTargetBytes: z
        .number()
        .int()
        .min(SEGMENT_HEADER_BYTES + 1)
        .max(2 ** 40)
        .optional(),
      checkpointLsn: z.number().int().min(0).max(LSN_MAX).optional(),
      fs: z.custom<FileSystem>(isFileSystem, { message: 'must implement the FileSystem port' }).optional(),
      io: z.enum(['non-blocking', 'blocking']).optional(),
      trace: z.custom<TraceSink>((value) => typeof value === 'function', { message: 'must be a function' }).optional(),
      onTransaction: z.custom<(t: ReplayedTransaction) => void>((value) => typeof value === 'function', { message: 'must be a function' }).optional(),
      reuseBuffers: z.boolean().optional(),
      preallocate: z.boolean().optional(),
      recycleSegments: z.number().int().min(0).max(1000).optional(),
      compression: z.enum(['none', 'deflate']).optional(),
      retain: retainSchema().optional(),
      recovery: recoveryPolicySchema().optional(),
    })
    .strict(),
);

export interface ResolvedOptions {
  readonly syncMode: SyncOption['mode'];
  readonly intervalMs: number | null;
  readonly maxCommits: number | null;
  readonly segmentTargetBytes: number;
  readonly checkpointLsn: number;
  readonly fs: FileSystem | null;
  readonly io: 'non-blocking' | 'blocking';
  readonly trace: TraceSink | null;
  readonly onTransaction: ((transaction: ReplayedTransaction) => void) | null;
  readonly reuseBuffers: boolean;
  readonly preallocate: boolean;
  readonly recycleSegments: number;
  readonly compression: 'none' | 'deflate';
  readonly retain: Retention;
  readonly recovery: RecoveryPolicy;
}

/** The writer's configuration (src/core/writer-state.ts) from resolved options. */
export function writerConfigOf(o: ResolvedOptions): WriterConfig {
  const { syncMode, segmentTargetBytes, maxCommits, preallocate, recycleSegments } = o;
  return { syncMode, segmentTargetBytes, maxCommits, preallocate, recycleSegments };
}

export function resolveOptions(input: unknown): ResolvedOptions {
  // No options: the defaults, with no schema to load (src/zod-on-demand.ts says why that matters).
  const parsed = input === undefined || input === null ? { success: true as const, data: {} } : optionsSchema().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue === undefined || issue.path.length === 0 ? 'options' : issue.path.map(String).join('.');
    throw new WalError({ code: 'InvalidOption', option, detail: issue?.message ?? 'invalid' });
  }
  const o = parsed.data;
  // Transactions collected in replay.transactions outlive the sweep: their events must not sit in
  // buffers the sweep overwrites.
  if (o.reuseBuffers === true && o.onTransaction === undefined) {
    throw new WalError({ code: 'InvalidOption', option: 'reuseBuffers', detail: 'needs onTransaction: replay.transactions would hold events in reused buffers' });
  }
  const sync = o.sync ?? { mode: 'per-commit' as const };
  return {
    syncMode: sync.mode,
    intervalMs: sync.mode === 'group' ? sync.intervalMs : null,
    maxCommits: sync.mode === 'group' ? (sync.maxCommits ?? null) : null,
    segmentTargetBytes: o.segmentTargetBytes ?? DEFAULT_SEGMENT_TARGET_BYTES,
    checkpointLsn: o.checkpointLsn ?? 0,
    fs: o.fs ?? null,
    io: o.io ?? 'non-blocking',
    trace: o.trace ?? null,
    onTransaction: o.onTransaction ?? null,
    reuseBuffers: o.reuseBuffers ?? false,
    preallocate: o.preallocate ?? true,
    recycleSegments: o.recycleSegments ?? DEFAULT_RECYCLE_SEGMENTS,
    compression: o.compression ?? 'none',
    retain: resolveRetention(o.retain),
    recovery: o.recovery ?? DEFAULT_RECOVERY_POLICY,
  };
}
