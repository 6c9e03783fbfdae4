// crash-sim: the persistence model alone. A simulated FileSystem that records every operation and
// knows, per file and per directory, what is durable and what is only in the page cache; the knobs
// (what the device does not promise); the crash states a crash at one moment may leave and the
// crash points of an op log; and a small query API over the simulator's state. Every checker in
// oracle/ (explore, crash-test, check-trace's crash choices come from the same rules) uses this one
// fault model and this one enumerator. See DESIGN.md "Fault model" and docs/fault-model.md.
//
//   const sim = new SimFileSystem({ sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true });
//   const { wal } = await openWal('/wal', { fs: sim });
//   ... drive the WAL ...
//   const crash = pickCrashState(sim, seed);        // one crash state of `sim` as it is now,
//                                                   // the same one for the same history and seed
//   const { replay } = await openWal('/wal', { fs: crash.image() }); // recover a fresh image
//   crash.describe();                               // which writes and sectors survived
//
// Faults: sim.failNextFsync() (EIO; the pages stay undecided forever), sim.failNextWrite('ENOSPC',
// 'half'), sim.shortNextWrite('half'), sim.flipBitsOnRead(path, offset, length).
// Files are FileContent (file-content.ts): copy-on-write chunks shared between versions, with the
// files of an initial image read on demand (FileContent.external); planCrashStream plans the
// crash states of a long op log as a stream. docs/fault-model.md §3 says how memory stays bounded.
// walref's own checker (workloads, the recovery oracle, the explorer) is oracle/explore/, exported
// as `walref/explore`.

export { SimFileSystem } from './sim-fs.js';
export type { PartialBytes } from './sim-faults.js';
export { DEFAULT_KNOBS, describeKnobs, resolveKnobs, type SimKnobs } from './knobs.js';
export {
  choiceAt,
  CrashFile,
  crashSpace,
  crashSpaceAt,
  crashStatesOf,
  enumerateCrashStates,
  pickCrashState,
  type CrashSpace,
  type CrashState,
  type EnumerateOptions,
} from './crash-states.js';
export {
  crashPointsAlong,
  crashPointsOf,
  crashSpacesAlong,
  planCrashStates,
  planCrashStream,
  type CrashPlan,
  type CrashPoint,
  type CrashStream,
  type PlannedPoint,
} from './crash-points.js';
export { BYTE_CLASS_NAMES, ByteClass, type ByteClassName } from './file-crash.js';
export { CHUNK_BYTES, FileContent, type Extent, type ExternalBytes } from './file-content.js';
export { contentDigest } from './content-digest.js';
export { bytesOf, filesIn, inodeAt, isDirectory, nameOf, namesIn, nextInode, sizeOf } from './sim-query.js';
export { joinPath, normalizePath, splitPath } from './sim-paths.js';
export { describeOp } from './describe-op.js';
export { stateAfter } from './apply-op.js';
export { isMutatingOp, type SimOp, type SimOpInput, type SimState } from './sim-state.js';
