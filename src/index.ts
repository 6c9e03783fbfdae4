// walref's public API. See README.md for a ten-line example and docs/ for the format, the fault
// model and a guided tour.

export { openWal, type OpenedWal } from './open-wal.js';
export { replayBatches, replayDir, listSegments, type SweepOptions } from './log-reader.js';
export { Wal } from './wal.js';
export { Recorder } from './recorder.js';
export type { WalOptions, SyncOption } from './options.js';
export type { RetainOption } from './policy-options.js';
export type { CheckpointInput, CheckpointResult, SnapshotOutput } from './checkpointer.js';
export type { LiveSnapshot } from './live-snapshot.js';
export type { Manifest, ManifestSnapshot } from './core/manifest.js';
export { RECOVERY_POLICIES, DEFAULT_RECOVERY_POLICY, type RecoveryPolicy, type RecoveryPolicyContract } from './core/recovery-policy.js';
export { WalError, describeWalError, type WalErrorInfo, type WalErrorCode } from './core/errors.js';
export type { Lsn, WalRecord, ReplayedTransaction, SegmentHeader } from './core/records.js';
export type { EndKind, LogEnd, ReplayOutcome, ReplaySummary, ReplaySegment, TornTail } from './core/replay.js';
export { BatchTransaction } from './core/replay-transaction.js';
export type { TraceEvent, TraceSink, TraceTx } from './core/trace.js';
export type { Effect } from './core/effects.js';
export { FsError, type FileSystem, type FileHandle, type DirectoryLock, type OpenMode } from './fs/port.js';
export { nodeFileSystem, blockingNodeFileSystem, type IoMode } from './fs/node-fs.js';
