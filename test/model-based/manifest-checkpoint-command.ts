import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import { acceptedSnapshotLsns, Checkpoint, snapshotEvents } from '../../model/snapshot-epochs.js';
import type { ModelState } from '../../model/index.js';
import type { OpenedWal } from '../../src/index.js';
import { attempt, encoder, expected, expectSameObservables, type ModelBox, type RealBox } from './world.js';

/**
 * The snapshot LSNs the command picks from: the ones the model accepts, and one above the durable
 * LSN and one that is not a commit, which it must refuse.
 */
function candidates(state: ModelState): number[] {
  const refused = [state.durableLsn + 1, ...state.log.filter((r) => r.kind === 'TxBegin' && r.lsn > state.openedAtLsn).map((r) => r.lsn)];
  return [...acceptedSnapshotLsns(state), ...refused.slice(0, 2)];
}

/**
 * wal.checkpoint({ lsn, snapshot }): a snapshot through the MANIFEST, with retention. The host's
 * snapshot text names the LSN and the events of the transactions committed at or below it; every
 * later reopen must return exactly that text as the live snapshot (expectLiveSnapshot).
 */
export class ManifestCheckpointCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(
    readonly pick: number,
    readonly snapshots: number,
    readonly segmentsBehindSnapshot: number,
  ) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const all = candidates(m.state);
    const lsn = all[this.pick % all.length] ?? 0;
    const step = Checkpoint(m.state, lsn);
    if (!step.enabled) throw new Error(step.reason);
    const text = JSON.stringify({ lsn, events: snapshotEvents(m.state.committed, lsn) });
    const retain = { snapshots: this.snapshots, segmentsBehindSnapshot: this.segmentsBehindSnapshot };
    const observed = await attempt(() => r.wal.checkpoint({ lsn, snapshot: encoder.encode(text), retain }));
    expect(observed.ok ? { ok: true, value: observed.value.markerLsn } : observed, `checkpoint(${lsn})`).toEqual(expected(step.outcome, (markerLsn) => markerLsn));
    m.state = step.state;
    if (observed.ok) m.liveSnapshot = { lsn, text };
    expectSameObservables(m.state, r, this.toString());
  }

  toString(): string {
    return `manifestCheckpoint(${this.pick}, retain ${this.snapshots}/${this.segmentsBehindSnapshot})`;
  }
}

/** After a reopen: the live snapshot is the one the last checkpoint committed, byte for byte. */
export async function expectLiveSnapshot(m: ModelBox, opened: OpenedWal, context: string): Promise<void> {
  const expectedSnapshot = m.liveSnapshot;
  const snapshot = opened.snapshot;
  expect(snapshot?.lsn ?? null, `live snapshot LSN after ${context}`).toBe(expectedSnapshot?.lsn ?? null);
  if (snapshot === null || expectedSnapshot === null) return;
  expect(new TextDecoder().decode(await snapshot.read()), `live snapshot after ${context}`).toBe(expectedSnapshot.text);
}
