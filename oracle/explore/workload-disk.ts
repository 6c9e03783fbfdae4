// The disk a workload runs on, as the interpreter (run-workload.ts) sees it: crash-sim's
// simulator, where faults can be injected, the power can fail and every operation is recorded;
// or a real FileSystem (the demo's node:fs), where a workload that asks for a fault or a crash is
// refused, because a real disk can do neither on demand.

import { pickCrashState } from '../../crash-sim/crash-states.js';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import type { SimOp } from '../../crash-sim/sim-state.js';
import type { FileSystem } from '../../src/fs/port.js';
import type { FaultKind } from './workload.js';

export interface WorkloadDisk {
  readonly fs: FileSystem;
  /** The operations so far, in order (none recorded on a real disk). */
  opLog(): readonly SimOp[];
  /** A marker in the op log (the interpreter's step and session boundaries). */
  mark(label: string, data: unknown): void;
  /** Read at every operation: the durable LSN the WAL acknowledged (null while none is open). */
  setProbe(probe: () => number | null): void;
  /** Arms one runtime fault for the next step. */
  inject(fault: FaultKind): void;
  /** Disarms a fault the step never reached; true when there was one. */
  disarmUnreached(): boolean;
  /** Power loss now: the disk becomes the crash state `seed` picks. */
  powerLoss(seed: number): void;
  /** Power loss after `count` more disk-changing operations (to interrupt a recovery). */
  losePowerAfter(count: number): void;
  /** Whether the power loss losePowerAfter scheduled has struck. */
  powerLost(): boolean;
}

export function simulatedDisk(sim: SimFileSystem): WorkloadDisk {
  return {
    fs: sim,
    opLog: () => sim.opLog,
    mark: (label, data) => sim.mark(label, data),
    setProbe: (probe) => sim.setProbe(probe),
    inject: (fault) => {
      if (fault === 'fsync-eio') sim.failNextFsync('EIO');
      else if (fault === 'enospc') sim.failNextWrite('ENOSPC', 'half');
      else sim.shortNextWrite('half');
    },
    disarmUnreached: () => {
      const pending = sim.pendingFaults();
      sim.clearFaults();
      return pending.fsync || pending.write;
    },
    powerLoss: (seed) => {
      const crash = pickCrashState(sim, seed);
      sim.crashTo(new Map([...crash.files].map(([path, f]) => [path, f.bytes] as const)), crash.dirs, crash.describe());
    },
    losePowerAfter: (count) => sim.losePowerAfter(count),
    powerLost: () => sim.powerLost(),
  };
}

const refuse = (): never => {
  throw new Error('the real disk cannot schedule a fault or a crash; run this workload with walref explore');
};

export function realDisk(fs: FileSystem): WorkloadDisk {
  return {
    fs,
    opLog: () => [],
    mark: () => undefined,
    setProbe: () => undefined,
    inject: refuse,
    disarmUnreached: () => false,
    powerLoss: refuse,
    losePowerAfter: refuse,
    powerLost: () => false,
  };
}
