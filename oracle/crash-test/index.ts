// walref crash-test as a library, exported as `walref/crash-test` (docs/oracle.md §5): crashTest()
// runs a workload under strace and checks every crash state with a command, a function in this
// thread, or a function in worker threads; mergeReports() puts shards' reports together.

export { crashTest, type CrashTestOptions } from './crash-test.js';
export type { CheckFunction, Verdict } from './checker.js';
export type { CallFate } from './describe.js';
export { CrashTestError, type CrashTestErrorCode } from './errors.js';
export { mergeReports, type NamedReport } from './merge.js';
export { REPORT_FORMAT, reportSchema, type CrashTestReport, type ShardCoverage, type ViolationReport } from './report.js';
export { CAPTURE_FORMAT, CAPTURE_VERSION } from './capture-file.js';
export type { Shard } from './shard.js';
