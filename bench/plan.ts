// What `npm run bench` measures, and what each walref figure is compared with. The cases run one
// after another, each in its own process, on the same disk; repetitions are interleaved (round
// one of every case, then round two, ...) so a slow minute on a shared machine lowers one round
// of every case rather than all rounds of one case, which keeps the ratios honest.

export type Role = 'limit' | 'peer' | 'walref';

export interface CaseSpec {
  /** Unique key of the case in the results. */
  readonly id: string;
  /** What the table calls it. */
  readonly label: string;
  readonly role: Role;
  /** The script, relative to the repository root. */
  readonly script: string;
  /** Case-specific params, merged over the base params (dataDir, durationMs, warmupOps). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** How big and how long a run is. */
export interface RunSettings {
  readonly quick: boolean;
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupOps: number;
  /** Size of the preallocated file the raw overwrite loop cycles through. */
  readonly overwriteFileBytes: number;
  /** The replay log that the replay figures are measured on. */
  readonly replayLogBytes: number;
  /** The logs of 1 KiB JSON-like events (without and with compression): this many bytes of events. */
  readonly jsonLogEventBytes: number;
  /** A smaller log, replayed in streaming form to show that peak RSS does not grow with size. */
  readonly replaySmallLogBytes: number;
}

const MiB = 1024 * 1024;

/**
 * The crash-sim case explores one fixed workload; this budget covers its whole crash space, so
 * the exploration is exhaustive and does the same work in quick and full runs.
 */
const CRASH_SIM_MAX_STATES = 4000;

/** The initial directory of the crash-test case: about what initdb leaves, and more. */
const CRASH_TEST_INITIAL_MIB = 100;

export function runSettings(quick: boolean): RunSettings {
  return quick
    ? {
        quick,
        rounds: 1,
        durationMs: 300,
        warmupOps: 500,
        overwriteFileBytes: 16 * MiB,
        replayLogBytes: 32 * MiB,
        jsonLogEventBytes: 8 * MiB,
        replaySmallLogBytes: 8 * MiB,
      }
    : {
        quick,
        rounds: 5,
        durationMs: 1500,
        warmupOps: 5000,
        overwriteFileBytes: 64 * MiB,
        replayLogBytes: 256 * MiB,
        jsonLogEventBytes: 64 * MiB,
        replaySmallLogBytes: 64 * MiB,
      };
}

/** The directory a replay log of this size lives in, under the data directory. */
export function replayLogDir(dataDir: string, logBytes: number): string {
  return `${dataDir}/replay-log-${Math.round(logBytes / MiB)}MiB`;
}

/** The directory of the log of JSON-like events written with `compression`. */
export function jsonLogDir(dataDir: string, compression: 'none' | 'deflate'): string {
  return `${dataDir}/json-log-${compression}`;
}

/** Cases that build inputs for other cases; they run once, before the first round. */
export function setupCases(settings: RunSettings, dataDir: string): CaseSpec[] {
  return [
    ...[settings.replayLogBytes, settings.replaySmallLogBytes].map(
      (logBytes): CaseSpec => ({
        id: `replay-make-log-${Math.round(logBytes / MiB)}MiB`,
        label: `write a ${Math.round(logBytes / MiB)} MiB log (walref, sync none, one fsync at the end)`,
        role: 'walref',
        script: 'bench/cases/replay-make-log.ts',
        params: { logDir: replayLogDir(dataDir, logBytes), logBytes },
      }),
    ),
    ...(['none', 'deflate'] as const).map(
      (compression): CaseSpec => ({
        id: `json-make-log-${compression}`,
        label: `write ${Math.round(settings.jsonLogEventBytes / MiB)} MiB of 1 KiB JSON-like events (walref, compression ${compression})`,
        role: 'walref',
        script: 'bench/cases/json-make-log.ts',
        params: { logDir: jsonLogDir(dataDir, compression), eventBytes: settings.jsonLogEventBytes, compression },
      }),
    ),
  ];
}

/** The measured cases, in the order each round runs them. */
export function measuredCases(settings: RunSettings, dataDir: string): CaseSpec[] {
  const bigLog = replayLogDir(dataDir, settings.replayLogBytes);
  const smallLog = replayLogDir(dataDir, settings.replaySmallLogBytes);
  const bigMiB = Math.round(settings.replayLogBytes / MiB);
  const smallMiB = Math.round(settings.replaySmallLogBytes / MiB);
  return [
    // The physical limits.
    { id: 'raw-append', label: 'raw: 100 B write + fdatasync (sync calls, blocking)', role: 'limit', script: 'bench/cases/raw-append.ts', params: { fdatasync: true } },
    { id: 'raw-append-async', label: 'raw: 100 B fs.write + fs.fdatasync (callbacks, non-blocking)', role: 'limit', script: 'bench/cases/raw-append-async.ts', params: {} },
    { id: 'raw-overwrite', label: 'raw: preallocated overwrite + fdatasync (sync calls, blocking)', role: 'limit', script: 'bench/cases/raw-overwrite.ts', params: { fileBytes: settings.overwriteFileBytes } },
    {
      id: 'raw-overwrite-async',
      label: 'raw: preallocated overwrite, fs.write + fs.fdatasync (callbacks, non-blocking)',
      role: 'limit',
      script: 'bench/cases/raw-overwrite-async.ts',
      params: { fileBytes: settings.overwriteFileBytes },
    },
    { id: 'raw-batch64', label: 'raw: 64 records, 1 write + 1 fdatasync (appending)', role: 'limit', script: 'bench/cases/raw-batch64.ts', params: { batchRecords: 64 } },
    {
      id: 'raw-batch64-overwrite',
      label: 'raw: 64 records, 1 write + 1 fdatasync, preallocated file',
      role: 'limit',
      script: 'bench/cases/raw-batch64.ts',
      params: { batchRecords: 64, fileBytes: settings.overwriteFileBytes },
    },
    { id: 'raw-write', label: 'raw: 100 B write, no fsync', role: 'limit', script: 'bench/cases/raw-append.ts', params: { fdatasync: false } },
    // The peers, doing the same work.
    { id: 'sqlite-full', label: 'better-sqlite3 WAL, synchronous=FULL', role: 'peer', script: 'bench/cases/sqlite.ts', params: { synchronous: 'FULL' } },
    { id: 'sqlite-normal', label: 'better-sqlite3 WAL, synchronous=NORMAL (not durable)', role: 'peer', script: 'bench/cases/sqlite.ts', params: { synchronous: 'NORMAL' } },
    { id: 'level-sync', label: 'classic-level put sync:true', role: 'peer', script: 'bench/cases/level.ts', params: { concurrency: 1 } },
    { id: 'level-sync-c8', label: 'classic-level put sync:true, 8 concurrent', role: 'peer', script: 'bench/cases/level.ts', params: { concurrency: 8 } },
    { id: 'level-sync-c64', label: 'classic-level put sync:true, 64 concurrent', role: 'peer', script: 'bench/cases/level.ts', params: { concurrency: 64 } },
    // walref.
    { id: 'walref-per-commit', label: 'walref per-commit (recorder), default io', role: 'walref', script: 'bench/cases/walref-recorder.ts', params: { fsync: 'real' } },
    { id: 'walref-per-commit-blocking', label: "walref per-commit (recorder), io: 'blocking'", role: 'walref', script: 'bench/cases/walref-recorder.ts', params: { fsync: 'real', io: 'blocking' } },
    { id: 'walref-group-1', label: 'walref group, 1 committer', role: 'walref', script: 'bench/cases/walref-group.ts', params: { committers: 1 } },
    { id: 'walref-group-8', label: 'walref group, 8 committers', role: 'walref', script: 'bench/cases/walref-group.ts', params: { committers: 8 } },
    { id: 'walref-group-64', label: 'walref group, 64 committers', role: 'walref', script: 'bench/cases/walref-group.ts', params: { committers: 64 } },
    {
      id: 'walref-group-64-blocking',
      label: "walref group, 64 committers, io: 'blocking'",
      role: 'walref',
      script: 'bench/cases/walref-group.ts',
      params: { committers: 64, io: 'blocking' },
    },
    { id: 'walref-open-loop-256', label: 'walref open-loop group commit: 256 in flight, bursts ≤ 64, maxCommits 64', role: 'walref', script: 'bench/cases/walref-open-loop.ts', params: { committers: 256, groupMax: 64 } },
    { id: 'walref-no-fsync', label: 'walref per-commit, fsync disabled', role: 'walref', script: 'bench/cases/walref-recorder.ts', params: { fsync: 'disabled' } },
    // The bystander: an `await setImmediate` loop beside each load (bench/cases/bystander.ts).
    { id: 'bystander-idle', label: 'bystander turns/s, nothing else running', role: 'limit', script: 'bench/cases/bystander.ts', params: { load: 'idle' } },
    { id: 'bystander-level-1', label: 'bystander beside classic-level sync put, 1 caller', role: 'peer', script: 'bench/cases/bystander.ts', params: { load: 'level-1' } },
    { id: 'bystander-level-64', label: 'bystander beside classic-level sync put, 64 callers', role: 'peer', script: 'bench/cases/bystander.ts', params: { load: 'level-64' } },
    { id: 'bystander-walref-per-commit', label: 'bystander beside walref per-commit, default io', role: 'walref', script: 'bench/cases/bystander.ts', params: { load: 'walref-per-commit' } },
    { id: 'bystander-walref-group-64', label: 'bystander beside walref group, 64 committers, default io', role: 'walref', script: 'bench/cases/bystander.ts', params: { load: 'walref-group-64' } },
    { id: 'bystander-walref-per-commit-blocking', label: "bystander beside walref per-commit, io: 'blocking'", role: 'walref', script: 'bench/cases/bystander.ts', params: { load: 'walref-per-commit', io: 'blocking' } },
    { id: 'bystander-walref-group-64-blocking', label: "bystander beside walref group, 64 committers, io: 'blocking'", role: 'walref', script: 'bench/cases/bystander.ts', params: { load: 'walref-group-64', io: 'blocking' } },
    // Replay.
    { id: 'replay-raw-walk', label: `raw: read + frame walk + CRC-32C, ${bigMiB} MiB`, role: 'limit', script: 'bench/cases/replay-raw-walk.ts', params: { logDir: bigLog } },
    { id: 'replay-array', label: `walref replay (array), ${bigMiB} MiB`, role: 'walref', script: 'bench/cases/replay-walref.ts', params: { logDir: bigLog, form: 'array' } },
    { id: 'replay-open-reuse', label: `walref open, onTransaction + reuseBuffers, ${bigMiB} MiB`, role: 'walref', script: 'bench/cases/replay-walref.ts', params: { logDir: bigLog, form: 'open-reuse' } },
    { id: 'replay-stream', label: `walref replay (streaming), ${bigMiB} MiB`, role: 'walref', script: 'bench/cases/replay-walref.ts', params: { logDir: bigLog, form: 'stream' } },
    { id: 'replay-stream-small', label: `walref replay (streaming), ${smallMiB} MiB`, role: 'walref', script: 'bench/cases/replay-walref.ts', params: { logDir: smallLog, form: 'stream' } },
    // 1 KiB JSON-like events, without and with compression: commit rate, bytes on disk, replay rate.
    ...(['none', 'deflate'] as const).flatMap((compression): CaseSpec[] => [
      {
        id: `walref-json-${compression}`,
        label: `walref per-commit, 1 KiB JSON-like events, compression ${compression}`,
        role: 'walref',
        script: 'bench/cases/walref-json.ts',
        params: { compression },
      },
      {
        id: `replay-json-${compression}`,
        label: `walref replay (streaming) of ${Math.round(settings.jsonLogEventBytes / MiB)} MiB of 1 KiB JSON-like events, compression ${compression}`,
        role: 'walref',
        script: 'bench/cases/replay-walref.ts',
        params: { logDir: jsonLogDir(dataDir, compression), form: 'stream' },
      },
    ]),
    // The crash simulator.
    { id: 'crash-sim', label: 'crash-sim: crash states checked', role: 'walref', script: 'bench/cases/crash-sim.ts', params: { maxStates: CRASH_SIM_MAX_STATES } },
    // crash-test on a ~100 MB initial directory (peak RSS of crash-test, checks per second).
    {
      id: 'crash-test-big-dir',
      label: `crash-test: ${CRASH_TEST_INITIAL_MIB} MiB initial directory, every state materialised`,
      role: 'walref',
      script: 'bench/cases/crash-test-big-dir.ts',
      params: { initialMiB: CRASH_TEST_INITIAL_MIB, records: 12, maxStates: settings.quick ? 40 : 200 },
    },
  ];
}

/** One ratio the table prints: a walref figure over the best of some reference figures. */
export interface Comparison {
  readonly row: string;
  readonly column: 'limit' | 'sync' | 'sqlite' | 'peer';
  /** The reference is the best (highest) median among these cases. */
  readonly against: readonly string[];
  /** The ratio the issue asks for; absent when the ratio is only informative. */
  readonly target?: number;
}

/** Durable peers doing one commit at a time (the same work as one committer). */
const serialDurablePeers = ['sqlite-full', 'level-sync'];

export const comparisons: readonly Comparison[] = [
  // Per commit, one at a time: against the raw loop overwriting a preallocated file in the same I/O
  // mode (walref's segments are preallocated), and the growing one for reference.
  { row: 'walref-per-commit', column: 'limit', against: ['raw-overwrite-async'], target: 0.9 },
  { row: 'walref-per-commit', column: 'sync', against: ['raw-append-async'] },
  { row: 'walref-per-commit-blocking', column: 'limit', against: ['raw-overwrite'], target: 0.9 },
  { row: 'walref-per-commit-blocking', column: 'sync', against: ['raw-append'] },
  { row: 'walref-per-commit-blocking', column: 'sqlite', against: ['sqlite-full'], target: 1.0 },
  { row: 'walref-open-loop-256', column: 'limit', against: ['raw-batch64-overwrite'] },
  { row: 'walref-open-loop-256', column: 'sync', against: ['raw-batch64'], target: 0.5 },
  { row: 'walref-open-loop-256', column: 'sqlite', against: ['sqlite-full'], target: 25 },
  { row: 'walref-open-loop-256', column: 'peer', against: ['level-sync-c64'] },
  { row: 'bystander-walref-per-commit', column: 'peer', against: ['bystander-level-1'], target: 0.5 },
  { row: 'bystander-walref-per-commit', column: 'limit', against: ['bystander-idle'] },
  { row: 'bystander-walref-group-64', column: 'peer', against: ['bystander-level-64'], target: 0.5 },
  { row: 'bystander-walref-group-64', column: 'limit', against: ['bystander-idle'] },
  { row: 'bystander-walref-per-commit-blocking', column: 'peer', against: ['bystander-level-1'] },
  { row: 'bystander-walref-group-64-blocking', column: 'peer', against: ['bystander-level-64'] },
  { row: 'walref-per-commit', column: 'sqlite', against: ['sqlite-full'] },
  { row: 'walref-per-commit', column: 'peer', against: serialDurablePeers },
  { row: 'walref-group-1', column: 'limit', against: ['raw-overwrite-async'] },
  { row: 'walref-group-1', column: 'sync', against: ['raw-append'] },
  { row: 'walref-group-1', column: 'sqlite', against: ['sqlite-full'] },
  { row: 'walref-group-1', column: 'peer', against: serialDurablePeers },
  { row: 'walref-group-8', column: 'sync', against: ['raw-append'] },
  { row: 'walref-group-8', column: 'sqlite', against: ['sqlite-full'] },
  { row: 'walref-group-8', column: 'peer', against: [...serialDurablePeers, 'level-sync-c8'] },
  // 64 closed-loop committers: against 64 records per fdatasync on a preallocated file.
  { row: 'walref-group-64', column: 'limit', against: ['raw-batch64-overwrite'], target: 0.5 },
  { row: 'walref-group-64', column: 'sync', against: ['raw-batch64'] },
  { row: 'walref-group-64', column: 'sqlite', against: ['sqlite-full'], target: 25 },
  { row: 'walref-group-64', column: 'peer', against: [...serialDurablePeers, 'level-sync-c64'] },
  // The same with io: 'blocking', for reference: no thread-pool round trip per sync.
  { row: 'walref-group-64-blocking', column: 'limit', against: ['raw-batch64-overwrite'] },
  { row: 'walref-group-64-blocking', column: 'sqlite', against: ['sqlite-full'] },
  // With fsync off, walref still writes every commit to the OS, like SQLite in NORMAL mode does.
  { row: 'walref-no-fsync', column: 'limit', against: ['raw-write'] },
  { row: 'walref-no-fsync', column: 'peer', against: ['sqlite-normal'] },
  { row: 'replay-array', column: 'limit', against: ['replay-raw-walk'], target: 0.6 },
  { row: 'replay-open-reuse', column: 'limit', against: ['replay-raw-walk'], target: 0.6 },
  { row: 'replay-stream', column: 'limit', against: ['replay-raw-walk'], target: 0.8 },
  { row: 'walref-json-deflate', column: 'limit', against: ['walref-json-none'] },
  { row: 'replay-json-deflate', column: 'limit', against: ['replay-json-none'] },
];

/** Figures that must stay at or below a bound (not ratios): the bystander's event-loop delay. */
export interface Ceiling {
  readonly row: string;
  readonly detail: string;
  readonly label: string;
  readonly unit: string;
  readonly max: number;
}

export const ceilings: readonly Ceiling[] = [
  { row: 'bystander-walref-per-commit', detail: 'loopDelayP99Ms', label: 'loop delay p99', unit: 'ms', max: 2 },
  { row: 'bystander-walref-group-64', detail: 'loopDelayP99Ms', label: 'loop delay p99', unit: 'ms', max: 2 },
];

/**
 * Peak RSS of the streaming replay counts as bounded when replaying a log several times larger
 * raises it by no more than this many MiB: a replay that held the log, or all its transactions,
 * would grow by roughly the size difference instead.
 */
export const STREAM_RSS_GROWTH_MIB_MAX = 32;
