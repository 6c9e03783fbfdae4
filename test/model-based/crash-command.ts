import type { AsyncCommand } from 'fast-check';
import { Crash, type ModelState } from '../../model/index.js';
import { pickCrashState } from '../../crash-sim/crash-states.js';
import { recoverAndCompare } from './recovery-check.js';
import { survivingRecords, type Survivors } from './survivors.js';
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
  const missing = state.log.slice(0, first).filter((record) => record.lsn > state.snapshotLsn);
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
    const crash = pickCrashState(sim, this.seed);
    const survivors = survivingRecords(crash, sim, r.dir);
    const context = `${this.toString()}: intact LSNs ${survivors.intactLsns.join(',') || '(none)'}${survivors.strayLsn === null ? '' : `, stray ${survivors.strayLsn}`}\n${crash.describe()}`;
    const step = Crash(m.state, { keptCount: keptCountOf(m.state, survivors), strayLsn: survivors.strayLsn });
    if (!step.enabled) throw new Error(`a crash state the model forbids (${step.reason}) ${context}`);
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
    await recoverAndCompare(m, r, step.state, context);
  }

  toString(): string {
    return `crash(${this.seed})`;
  }
}
