import type { AsyncCommand } from 'fast-check';
import { Crash, type ModelState } from '../../model/index.js';
import { pickCrashState, type CrashState } from '../../crash-sim/crash-states.js';
import type { SimFileSystem } from '../../crash-sim/sim-fs.js';
import { survivingRecords, type Survivors } from '../../oracle/explore/survivors.js';
import { budget } from './run-config.js';
import { recoverAndCompare } from './recovery-check.js';
import type { ModelBox, RealBox } from './world.js';

/**
 * Where the intact records end in the model's log. Records before the first intact one may be
 * missing only because truncateUpTo removed their segment, which the host's snapshot covers.
 */
function keptCountOf(state: ModelState, survivors: Survivors): number {
  const lsns = state.log.map((record) => record.lsn);
  const intact = survivors.intactLsns;
  if (intact.length === 0) return 0;
  const first = lsns.indexOf(intact[0] ?? -1);
  const matches = first >= 0 && intact.every((lsn, i) => lsns[first + i] === lsn);
  if (!matches) throw new Error(`the disk holds LSNs ${intact.join(',')} that are not a run of the model's log ${lsns.join(',')}`);
  const missing = state.log.slice(0, first).filter((record) => record.lsn > state.checkpointLsn);
  if (missing.length > 0) throw new Error(`records ${missing.map((r) => r.lsn).join(',')} vanished from the start of the log above the snapshot`);
  return first + intact.length;
}

/**
 * A crash now. crash-sim picks the crash state from the seed the command carries (so shrinking
 * keeps it), the survivors tell the model which records the state holds intact, the model's Crash
 * and Recover compute the expected replay, and a fresh openWal on the crash image must match it.
 */
export class CrashCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(readonly seed: number) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const sim = r.sim;
    if (sim === null) throw new Error('a crash needs the simulated file system');
    // Other crash states of the same moment, each recovered on its own image and then dropped.
    for (let sample = 1; sample <= budget.extraCrashStates; sample++) {
      const other = pickCrashState(sim, this.seed + sample * 7919);
      const scratch: RealBox = { ...r, sim: other.image(), crashes: 0 };
      scratch.fs = scratch.sim ?? scratch.fs;
      const down = this.down(m, sim, other, r.dir, `${this.toString()} sample ${sample}`);
      await recoverAndCompare({ ...m }, scratch, down.state, down.context);
      await scratch.wal.close();
      r.crashes += 1;
    }
    const crash = pickCrashState(sim, this.seed);
    const step = this.down(m, sim, crash, r.dir, this.toString());
    // The crashed process is gone. Closing it only stops its timers: whatever it still does lands
    // on the old simulator, and the crash image was taken before.
    sim.clearFaults();
    try {
      await r.wal.close();
    } catch {
      // A poisoned or failing close does not matter to a process that crashed.
    }
    r.sim = crash.image();
    r.fs = r.sim;
    r.crashes += 1;
    await recoverAndCompare(m, r, step.state, step.context);
  }

  /** The model after a crash into `crash`, or an error naming the crash state the model forbids. */
  down(m: ModelBox, sim: SimFileSystem, crash: CrashState, dir: string, label: string): { state: ModelState; context: string } {
    const survivors = survivingRecords(crash, dir, sim.opLog);
    const context = `${label}: intact LSNs ${survivors.intactLsns.join(',') || '(none)'}${survivors.strayLsn === null ? '' : `, stray ${survivors.strayLsn}`}\n${crash.describe()}`;
    let keptCount: number;
    try {
      keptCount = keptCountOf(m.state, survivors);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}: ${context}`);
    }
    const step = Crash(m.state, { keptCount, strayLsn: survivors.strayLsn, floorLsn: survivors.floorLsn });
    if (!step.enabled) throw new Error(`a crash state the model forbids (${step.reason}) ${context}`);
    return { state: step.state, context };
  }

  toString(): string {
    return `crash(${this.seed})`;
  }
}
