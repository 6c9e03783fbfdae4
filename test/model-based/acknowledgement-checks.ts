// Checks shared by the concurrency properties (model-based/concurrency-property.ts and
// concurrency/overlapping-calls.test.ts) on a finished run's op log: the durable LSN sampled at
// every operation never goes backwards, and every acknowledged commit was on stable storage when
// it was acknowledged (an acknowledgement never precedes the fsync that covers it).
import { expect } from 'vitest';
import { crashSpaceAt } from '../../crash-sim/crash-states.js';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { survivingRecords } from '../../oracle/explore/survivors.js';

export interface Acknowledgement {
  readonly tx: { readonly commitLsn: number };
  /** The op-log length when the commit was acknowledged. */
  readonly atOp: number;
}

export function expectDurableLsnNeverRegresses(sim: SimFileSystem): void {
  const probes = sim.opLog.map((op) => op.durableLsnProbe).filter((lsn): lsn is number => lsn !== null);
  expect(probes.every((lsn, i) => i === 0 || (probes[i - 1] ?? 0) <= lsn), `durable LSN samples ${probes.join(',')}`).toBe(true);
}

export function expectAcknowledgedOnStableStorage(sim: SimFileSystem, dir: string, acks: readonly Acknowledgement[], context = ''): void {
  for (const ack of acks) {
    const space = crashSpaceAt(sim.knobs, sim.opLog, ack.atOp);
    const onlySynced = space.build(space.axes.map(() => 0));
    const intact = survivingRecords(onlySynced, dir, sim.opLog).intactLsns;
    expect(intact, `commit ${ack.tx.commitLsn} acknowledged at op ${ack.atOp} is on stable storage${context === '' ? '' : `; ${context}`}`).toContain(ack.tx.commitLsn);
  }
}
