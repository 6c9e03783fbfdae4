// walref's executable abstract model: spec/Wal.tla's state and actions as pure functions, the
// oracle the model-based tests compare the implementation with. It imports nothing from src/ or
// crash-sim/, because an oracle that shares code with what it checks checks nothing.

export type { CommittedTx, DownState, HistoryAtCrash, LogRecord, Lsn, ModelEvent, ModelReplay, ModelState, RecorderModel, Recovery, SyncPolicy } from './state.js';
export { lastLsnOf, recorderPoisoned, syncedLsn, writtenLsn } from './state.js';
export type { ModelErrorCode, Outcome, Step } from './step.js';
export { nextState } from './step.js';
export { initialState } from './init.js';
export { Arm, Record, Commit, Abort, Poison } from './recorder-actions.js';
export type { CommitEnvironment, CommitResult } from './recorder-actions.js';
export { WalAbort, CheckpointMarker, TruncateUpTo } from './log-actions.js';
export type { BeginEnvironment } from './log-actions.js';
export { Flush, Fsync, FsyncFail, WriteFail } from './sync-actions.js';
export type { Caller, FsyncBy, SyncingCall } from './sync-actions.js';
export { Crash, CrashDuringRecover, Close, Recover } from './crash-actions.js';
export type { CrashChoice } from './crash-actions.js';
export { replayLog, unreleasedBegins } from './replay.js';
export { PrefixInv, DurabilityInv, AtomicityInv, NoReuseInv, IdempotenceInv, ExactnessInv, invariants, violatedInvariants } from './invariants.js';
export type { Invariant, InvariantName } from './invariants.js';
export { Begin, Append, CommitOpen, AbortOpen } from './low-level-actions.js';
export * as recycle from './recycle.js';
