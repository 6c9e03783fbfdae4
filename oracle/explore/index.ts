// walref explore: walref's own checker over crash-sim's persistence model. A workload
// (docs/workload.md) runs through the real WAL on the simulator, recording what the API returned
// (ExploreHistory); every crash state of every crash point is recovered with a fresh openWal and
// checked for the recovery guarantee of DESIGN.md. `openWal` is handed in (wal-api.ts), so the
// checker shares no code with what it checks. Exported as `walref/explore`.

export { exploreWorkload, type CrashStateDetail, type ExploreOptions, type ExploreResult } from './explore.js';
export { parseWorkload, parseWorkloadText, describeStep, type Workload, type WorkloadStep } from './workload.js';
export { runWorkload, WORKLOAD_DIR, type WorkloadRun } from './run-workload.js';
export { checkRecovery, formatViolation, type Property, type Violation } from './recovery-oracle.js';
export { intactRecordCount, survivingRecords, type Survivors } from './survivors.js';
export { frameBytes, ORACLE_SEGMENT_HEADER_BYTES, segmentImages, type HistoryRecordKind, type SegmentImage } from './disk-format.js';
export { expectedReplay, type ExpectedReplay } from './expected-replay.js';
export type { OpenWalLike, WalLike, RecorderLike } from './wal-api.js';
export type { ExploreHistory, ReplayedTx } from './explore-history.js';
