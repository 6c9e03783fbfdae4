// The two worlds a model-based run keeps side by side: the model (model/, pure) and the real WAL
// (openWal on crash-sim's simulated file system, or on node:fs in a temp directory), plus the
// comparison of everything the host can observe.

import { expect } from 'vitest';
import { initialState, recorderPoisoned, type ModelErrorCode, type ModelState, type Outcome, type SyncPolicy } from '../../model/index.js';
import { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { SimKnobs } from '../../crash-sim/knobs.js';
import { openWal, WalError, type FileSystem, type OpenedWal, type ReplayOutcome, type SyncOption } from '../../src/index.js';
import type { Wal } from '../../src/wal.js';
import type { Recorder } from '../../src/recorder.js';
import { parseSegmentFileName } from '../../src/core/format.js';

/** The group flusher's interval: far beyond any test, so it only runs when a command advances fake time. */
export const GROUP_INTERVAL_MS = 3_600_000;

export interface RunConfig {
  readonly policy: SyncPolicy;
  readonly segmentTargetBytes: number;
  /** The simulated device; null runs on the real disk through node:fs. */
  readonly knobs: Partial<SimKnobs> | null;
  /** WalOptions.recycleSegments (the library's default when absent). */
  readonly recycleSegments?: number;
  /** WalOptions.compression; 'deflate' also makes events long enough to be worth deflating. */
  readonly compression?: 'none' | 'deflate';
}

export interface ModelBox {
  state: ModelState;
  /** Events are numbered per run so every payload is unique and an aborted one is recognisable. */
  nextEvent: number;
  /** Pad events with a repetitive tail, so deflating them saves bytes (runs with compression). */
  readonly padEvents?: boolean;
  /** The snapshot the last wal.checkpoint() committed, as the host wrote it; every reopen must return it. */
  liveSnapshot: { readonly lsn: number; readonly text: string } | null;
}

export interface RealBox {
  readonly config: RunConfig;
  readonly dir: string;
  fs: FileSystem;
  /** The simulator when the run is on one; replaced by the crash image after every crash. */
  sim: SimFileSystem | null;
  wal: Wal;
  recorder: Recorder;
  /** What the last open replayed. */
  replay: ReplayOutcome;
  /** Crash states this run went through. */
  crashes: number;
}

/** The sync option of a policy: the one mapping the model-based and concurrency tests use. */
export function syncOption(policy: SyncPolicy, groupIntervalMs = GROUP_INTERVAL_MS): SyncOption {
  if (policy === 'group') return { mode: 'group', intervalMs: groupIntervalMs };
  return { mode: policy };
}

export async function openReal(config: RunConfig, dir: string, fs: FileSystem, checkpointLsn: number): Promise<OpenedWal> {
  return openWal(dir, {
    sync: syncOption(config.policy),
    segmentTargetBytes: config.segmentTargetBytes,
    checkpointLsn,
    fs,
    ...(config.recycleSegments === undefined ? {} : { recycleSegments: config.recycleSegments }),
    // Deflating on the calling thread keeps a simulated run deterministic.
    ...(config.compression === undefined ? {} : { compression: config.compression, io: 'blocking' as const }),
  });
}

/** A fresh model and a fresh WAL on an empty directory. */
export async function setupWorlds(config: RunConfig, dir: string, fs: FileSystem): Promise<{ model: ModelBox; real: RealBox }> {
  const sim = fs instanceof SimFileSystem ? fs : null;
  const { wal, replay } = await openReal(config, dir, fs, 0);
  return {
    model: { state: initialState(config.policy), nextEvent: 0, padEvents: config.compression === 'deflate', liveSnapshot: null },
    real: { config, dir, fs, sim, wal, recorder: wal.recorder(), replay, crashes: 0 },
  };
}

/** Closes what is still open; a WAL poisoned or already closed is fine to leave. */
export async function teardownReal(real: RealBox): Promise<void> {
  real.sim?.clearFaults();
  try {
    await real.wal.close();
  } catch {
    // A poisoned or failing close has nothing left to protect.
  }
}

export const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function takeEvent(model: ModelBox, label: string): string {
  model.nextEvent += 1;
  const event = `e${model.nextEvent}${label}`;
  return model.padEvents === true && model.nextEvent % 2 === 0 ? `${event}:${'pad-'.repeat(24)}` : event;
}

export type Observed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

/** Runs a call of the real WAL and turns a WalError into its code; anything else is a bug and rethrown. */
export async function attempt<T>(call: () => Promise<T> | T): Promise<Observed<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof WalError) return { ok: false, code: error.code };
    throw error;
  }
}

/** The model's outcome with its value mapped to what the real API returns. */
export function expected<T, U>(outcome: Outcome<T>, map: (value: T) => U): Observed<U> | { ok: false; code: ModelErrorCode } {
  return outcome.ok ? { ok: true, value: map(outcome.value) } : outcome;
}

/** After every command: the durable LSN, the next LSN and both poison flags agree with the model. */
export function expectSameObservables(model: ModelState, real: RealBox, after: string): void {
  expect(
    {
      durableLsn: real.wal.durableLsn(),
      nextLsn: real.wal.nextLsn(),
      recorderPoisoned: real.recorder.poisoned() !== null,
      walPoisoned: real.wal.poisoned() !== null,
    },
    `observables after ${after}`,
  ).toEqual({
    durableLsn: model.durableLsn,
    nextLsn: model.nextLsn,
    recorderPoisoned: recorderPoisoned(model) !== null,
    walPoisoned: model.walPoisoned !== null,
  });
}

/** Segment file names in the WAL directory, oldest first. */
export function segmentNames(real: RealBox): string[] {
  return real.fs
    .readdir(real.dir)
    .filter((name) => parseSegmentFileName(name) !== null)
    .sort();
}

/** Replayed transactions with their events decoded, as the model states them. */
export function replayedAsModel(outcome: ReplayOutcome): { beginLsn: number; commitLsn: number; events: string[] }[] {
  return outcome.transactions.map((tx) => ({ beginLsn: tx.beginLsn, commitLsn: tx.commitLsn, events: tx.events.map((e) => decoder.decode(e)) }));
}
