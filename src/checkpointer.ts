// wal.checkpoint(): the shell of the checkpoint protocol of src/core/checkpoint.ts. It runs as one
// exclusive run on the writer lane (wal-core.ts), in call order: validate the snapshot LSN, write
// the host's bytes to a new snapshot file, then one step that commits the MANIFEST (the commit
// point), buffers the checkpoint marker and removes what the new epoch no longer names. The epoch
// moves here only once that step's effects all succeeded.
//
// A failed effect poisons the WAL like any other: the reopen finds exactly one complete epoch. A
// snapshot function of the host's that throws is not a WAL failure: its unfinished file is
// removed, nothing is committed, and the host's error comes back.

import {
  abandonSnapshot,
  beginSnapshot,
  commitCheckpoint,
  snapshotLsnRefusal,
  writeSnapshot,
  type EpochState,
  type FenceFacts,
  type Retention,
} from './core/checkpoint.js';
import { crc32c } from './core/crc32c.js';
import { liveSnapshot } from './core/manifest.js';
import { WalError } from './core/errors.js';
import type { Lsn } from './core/records.js';
import type { WriterState } from './core/writer-state.js';
import type { WriterStep } from './core/writer.js';
import { CommitPoints } from './commit-points.js';
import type { EffectRunner } from './effect-runner.js';
import type { FileSystem } from './fs/port.js';
import { liveSnapshotOf, type LiveSnapshot } from './live-snapshot.js';
import { resolveRetention, retainSchema, type RetainOption } from './policy-options.js';
import type { WalCore } from './wal-core.js';

/** Where the host's snapshot bytes go: each write is appended to the snapshot file. */
export interface SnapshotOutput {
  write(bytes: Uint8Array): Promise<void>;
}

export interface CheckpointInput {
  /**
   * The durable commit LSN the snapshot was taken at: every transaction committed at or below it
   * is in the snapshot, none above it. Right after open, `wal.durableLsn()` is one too.
   */
  readonly lsn: Lsn;
  /** The snapshot's bytes, or a function that writes them (it runs while the writer lane is held). */
  readonly snapshot: Uint8Array | ((out: SnapshotOutput) => void | Promise<void>);
  /** Overrides openWal's `retain` for this checkpoint. */
  readonly retain?: RetainOption;
}

export interface CheckpointResult {
  readonly epoch: number;
  readonly lsn: Lsn;
  readonly file: string;
  readonly sizeBytes: number;
  /** The checkpoint marker's LSN; the marker is buffered and written with the next flush. */
  readonly markerLsn: Lsn;
  readonly removedSegments: readonly string[];
  readonly removedSnapshots: readonly string[];
  /** The new live snapshot, to read back (checked against the MANIFEST) until a later checkpoint removes it. */
  readonly snapshot: LiveSnapshot;
}

export interface CheckpointerParts {
  readonly epoch: EpochState;
  readonly retain: Retention;
  /** The LSN open() recovered up to (nextLsn - 1 at open) and the replay fence it used. */
  readonly recoveredLsn: Lsn;
  readonly checkpointLsn: Lsn;
  readonly fs: FileSystem;
  readonly dir: string;
  readonly runner: EffectRunner;
}

type Run = <U>(step: (state: WriterState) => WriterStep<U>) => U | Promise<U>;

export class Checkpointer {
  #epoch: EpochState;
  #checkpointLsn: Lsn;
  readonly #retain: Retention;
  readonly #recoveredLsn: Lsn;
  readonly #points: CommitPoints;
  readonly #parts: CheckpointerParts;

  constructor(parts: CheckpointerParts) {
    this.#parts = parts;
    this.#epoch = parts.epoch;
    this.#retain = parts.retain;
    this.#recoveredLsn = parts.recoveredLsn;
    this.#checkpointLsn = parts.checkpointLsn;
    this.#points = new CommitPoints(parts.recoveredLsn);
  }

  /**
   * Wraps a writer step that commits a transaction, so that its commit LSN is remembered as a
   * possible snapshot LSN (a boundary when no transaction is open after it). Recording a step that
   * is then not adopted (its effects failed) is harmless: the WAL is poisoned and refuses checkpoints.
   */
  noteCommit<T>(step: WriterStep<T>, commitLsnOf: (value: T) => Lsn): WriterStep<T> {
    if (step.ok) this.#points.note(commitLsnOf(step.value), step.state.openTransactions.oldest());
    return step;
  }

  /** The first segment the committed MANIFEST names (truncateUpTo frees none from it on); +Infinity without a MANIFEST. */
  firstNamedSegmentId(): number {
    return this.#epoch.manifest?.firstSegmentId ?? Number.POSITIVE_INFINITY;
  }

  checkpoint(core: WalCore, input: CheckpointInput): Promise<CheckpointResult> {
    const retainParsed = input.retain === undefined ? null : retainSchema().safeParse(input.retain);
    if (retainParsed !== null && !retainParsed.success) {
      const issue = retainParsed.error.issues[0];
      return Promise.reject(
        new WalError({ code: 'InvalidArgument', argument: ['retain', ...(issue?.path ?? []).map(String)].join('.'), detail: issue?.message ?? 'invalid' }),
      );
    }
    const snapshot = input.snapshot;
    if (!(snapshot instanceof Uint8Array) && typeof snapshot !== 'function') {
      return Promise.reject(new WalError({ code: 'InvalidArgument', argument: 'snapshot', detail: 'must be a Uint8Array or a function' }));
    }
    const retention = resolveRetention(input.retain, this.#retain);
    return core.exclusive((run) => this.#run(core, run, input.lsn, snapshot, retention));
  }

  async #run(core: WalCore, run: Run, lsn: Lsn, snapshot: CheckpointInput['snapshot'], retention: Retention): Promise<CheckpointResult> {
    const state = core.state;
    if (state.poisoned !== null) throw new WalError({ code: 'Poisoned', reason: state.poisoned });
    const refusal = snapshotLsnRefusal(lsn, this.#facts(state));
    if (refusal !== null) throw new WalError(refusal);
    const begun = await run((s) => beginSnapshot(s, this.#epoch));
    this.#epoch = { ...this.#epoch, nextSnapshotId: begun.id + 1 };
    let sizeBytes = 0;
    let crc = 0;
    const write = async (bytes: Uint8Array): Promise<void> => {
      if (!(bytes instanceof Uint8Array)) throw new WalError({ code: 'InvalidArgument', argument: 'snapshot', detail: 'write() takes a Uint8Array' });
      await run((s) => writeSnapshot(s, begun.file, sizeBytes, bytes));
      crc = crc32c(bytes, crc);
      sizeBytes += bytes.length;
    };
    try {
      if (snapshot instanceof Uint8Array) await write(snapshot);
      else await snapshot({ write });
    } catch (error) {
      // The WAL is healthy when the host's own code failed: take the unfinished file away.
      if (core.state.poisoned === null) await run((s) => abandonSnapshot(s, begun.file));
      throw error;
    }
    const committed = await run((s) => commitCheckpoint(s, this.#epoch, { id: begun.id, lsn, sizeBytes, crc32c: crc }, retention));
    this.#epoch = { ...this.#epoch, manifest: committed.manifest };
    this.#checkpointLsn = lsn;
    this.#points.dropThrough(lsn);
    this.#parts.runner.release(begun.file);
    return {
      epoch: committed.manifest.epoch,
      lsn,
      file: begun.file,
      sizeBytes,
      markerLsn: committed.markerLsn,
      removedSegments: committed.removedSegments,
      removedSnapshots: committed.removedSnapshots,
      snapshot: liveSnapshotOf(this.#parts.fs, this.#parts.dir, committed.manifest.epoch, liveSnapshot(committed.manifest)),
    };
  }

  #facts(state: WriterState): FenceFacts {
    return {
      durableLsn: state.durableLsn,
      checkpointLsn: this.#checkpointLsn,
      lastSnapshotLsn: state.lastSnapshotLsn,
      oldestOpenBegin: state.openTransactions.oldest(),
      commitAt: (lsn) => this.#points.at(lsn),
      recoveredLsn: this.#recoveredLsn,
    };
  }
}
