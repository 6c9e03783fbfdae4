// crash-sim: a crash-injection file system, crash-state enumeration and the recovery oracle.
// See DESIGN.md "Fault model" and "Recovery guarantee", and docs/workload.md for `walref explore`.
//
// The small API model-based tests need:
//
//   const sim = new SimFileSystem({ sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true });
//   const { wal } = await openWal('/wal', { fs: sim });
//   ... drive the WAL ...
//   const crash = pickCrashState(sim, seed);        // one crash state of `sim` as it is now,
//                                                   // the same one for the same history and seed
//   const survived = survivingRecords(crash, '/wal', sim.opLog); // records that survived intact
//   const { replay } = await openWal('/wal', { fs: crash.image() }); // recover a fresh image
//   crash.describe();                               // which writes and sectors survived
//
// Faults: sim.failNextFsync() (EIO; the pages stay undecided forever), sim.failNextWrite('ENOSPC',
// 'half'), sim.shortNextWrite('half'), sim.flipBitsOnRead(path, offset, length).
// Everything else (enumerating all crash states, the oracle, workloads) is exported below too.

export { SimFileSystem, type PartialBytes } from './sim-fs.js';
export { DEFAULT_KNOBS, describeKnobs, resolveKnobs, type SimKnobs } from './knobs.js';
export {
  choiceAt,
  crashSpace,
  crashSpaceAt,
  enumerateCrashStates,
  pickCrashState,
  type CrashFile,
  type CrashSpace,
  type CrashState,
  type EnumerateOptions,
} from './crash-states.js';
export { BYTE_CLASS_NAMES, ByteClass, type ByteClassName } from './file-crash.js';
export { intactRecordCount, survivingRecords, type Survivors } from './survivors.js';
export { frameBytes, ORACLE_SEGMENT_HEADER_BYTES, segmentImages, type HistoryRecordKind, type SegmentImage } from './disk-format.js';
export { expectedReplay, type ExpectedReplay } from './expected-replay.js';
export { checkRecovery, formatViolation, type Property, type Violation } from './oracle.js';
export { parseWorkload, parseWorkloadText, type Workload, type WorkloadStep } from './workload.js';
export { runWorkload, WORKLOAD_DIR, type WorkloadRun } from './runner.js';
export { exploreWorkload, type CrashStateDetail, type ExploreOptions, type ExploreResult } from './explore.js';
export type { OpenWalLike, WalLike, RecorderLike } from './wal-api.js';
export type { WalHistory, ReplayedTx } from './history.js';
export type { SimOp } from './sim-state.js';
