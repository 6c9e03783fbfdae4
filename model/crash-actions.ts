// Crash, Close (a clean close: the trace's Close), CrashDuringRecover and Recover. A crash keeps
// the synced prefix of the log plus some further written records; which ones is the crash
// state's choice, so the environment passes it in (the model-based test takes it from crash-sim's
// oracle). Records still in the WAL's memory buffer never survive. A recovery may itself be
// interrupted by another power loss. Recover then runs the model's replay on what survived.

import { replayLog, unreleasedBegins } from './replay.js';
import type { DownState, HistoryAtCrash, Lsn, ModelState, Recovery } from './state.js';
import { lastLsnOf } from './state.js';
import { disabled, succeed, type Step } from './step.js';

export interface CrashChoice {
  /** How many records of the log survive intact, as a prefix. */
  readonly keptCount: number;
  /**
   * The LSN of a whole frame that survived after the first torn one (possible when unsynced
   * sectors persist out of order); it is not replayed but its LSN may not be reused.
   */
  readonly strayLsn?: Lsn | null;
  /**
   * The highest LSN the surviving segment headers say was allocated (the newest segment's base LSN
   * minus one). A segment may have lost every frame while its header survived; the next LSN must
   * stay above its base all the same, or later records would sit below the base they are filed
   * under. The model has no segments, so the environment reads this off the disk.
   */
  readonly floorLsn?: Lsn;
}

function historyOf(state: ModelState): HistoryAtCrash {
  return { log: state.log, committed: state.committed, aborted: state.aborted, durableLsn: state.durableLsn };
}

function goDown(state: ModelState, cause: DownState['cause'], choice: CrashChoice, limit: number): Step<void> {
  const disk = state.log.slice(0, choice.keptCount);
  const stray = choice.strayLsn ?? null;
  if (stray !== null) {
    const index = state.log.findIndex((record) => record.lsn === stray);
    if (index <= choice.keptCount || index >= limit) return disabled('a stray frame must be a written record after the torn one');
  }
  const maxSurvivingLsn = Math.max(lastLsnOf(disk), stray ?? 0, choice.floorLsn ?? 0);
  return succeed({ ...state, down: { cause, before: historyOf(state), disk, maxSurvivingLsn } }, undefined);
}

export function Crash(state: ModelState, choice: CrashChoice): Step<void> {
  if (state.down !== null) return disabled('the process is already down');
  if (choice.keptCount < state.syncedCount) return disabled('a crash never loses synced records');
  if (choice.keptCount > state.attemptedCount) return disabled('records never handed to the OS cannot survive');
  return goDown(state, 'crash', choice, state.attemptedCount);
}

/**
 * close(): a healthy WAL writes and syncs what it buffered, so everything survives. A poisoned
 * one writes nothing more, and after a failed fsync the OS may have dropped the dirty pages, so
 * what survives lies between the synced and the written records (the file system decides).
 */
export function Close(state: ModelState, choice: CrashChoice): Step<void> {
  if (state.down !== null) return disabled('the process is already down');
  if (state.walPoisoned === null) {
    if (choice.keptCount !== state.log.length) return disabled('a clean close keeps every record');
    const all = state.log.length;
    const closed = { ...state, writtenCount: all, attemptedCount: all, syncedCount: all, durableLsn: Math.max(state.durableLsn, lastLsnOf(state.log)) };
    return goDown(closed, 'close', { keptCount: choice.keptCount, floorLsn: choice.floorLsn ?? 0 }, all);
  }
  if (choice.keptCount < state.syncedCount || choice.keptCount > state.writtenCount) {
    return disabled('a poisoned WAL keeps between its synced and its written records');
  }
  return goDown(state, 'close', choice, state.writtenCount);
}

/**
 * The power fails again while open() recovers, before open() returned (spec/Wal.tla's
 * CrashDuringRecover). The host never saw that recovery, so `before` (its committed
 * transactions and the durable LSN its process acknowledged) stays that of the process that went
 * down: DurabilityInv keeps owing what that process acknowledged, and nothing else. Recovery only
 * cuts the torn tail off and rewrites intact frames in place, so every intact record is still on
 * disk; whether the cut became durable decides whether a stray frame's LSN survived, which the
 * environment reads off the disk (`choice.strayLsn`, `choice.floorLsn`, as for Crash). Nothing
 * that was not on disk before can appear.
 */
export function CrashDuringRecover(state: ModelState, choice: Pick<CrashChoice, 'strayLsn' | 'floorLsn'>): Step<void> {
  const down = state.down;
  if (down === null) return disabled('the process is running: only a recovery can be interrupted');
  const maxSurvivingLsn = Math.max(lastLsnOf(down.disk), choice.strayLsn ?? 0, choice.floorLsn ?? 0);
  if (maxSurvivingLsn > down.maxSurvivingLsn) return disabled('an interrupted recovery never puts an LSN on disk that was not there');
  return succeed({ ...state, down: { ...down, maxSurvivingLsn } }, undefined);
}

/**
 * open() after going down: replay the intact records above the host's snapshot. The next LSN is
 * above everything that survived and above the snapshot; open makes the intact log durable, cuts
 * stray frames off, and reports everything below the next LSN as durable. The recorder starts fresh and the log is healthy again.
 */
export function Recover(state: ModelState): Step<Recovery> {
  const down = state.down;
  if (down === null) return disabled('the process is running');
  const checkpointLsn = state.checkpointLsn;
  const replay = replayLog(down.disk, checkpointLsn);
  const settledLsn = Math.max(down.maxSurvivingLsn, checkpointLsn);
  const recovery: Recovery = { ...down, checkpointLsn, replay, nextLsn: settledLsn + 1, durableLsn: settledLsn };
  const checkpoints = down.disk.flatMap((record) => (record.kind === 'Checkpoint' ? [record.snapshotLsn] : []));
  return succeed(
    {
      ...state,
      recorder: { armed: false, buffer: [], poisoned: null },
      walPoisoned: null,
      log: down.disk,
      writtenCount: down.disk.length,
      attemptedCount: down.disk.length,
      syncedCount: down.disk.length,
      durableLsn: recovery.durableLsn,
      openedAtLsn: settledLsn,
      nextLsn: recovery.nextLsn,
      lastSnapshotLsn: checkpoints.length === 0 ? null : Math.max(...checkpoints),
      committed: replayLog(down.disk, 0).transactions,
      aborted: unreleasedBegins(down.disk),
      down: null,
      recoveries: [...state.recoveries.slice(-1), recovery],
    },
    recovery,
  );
}
