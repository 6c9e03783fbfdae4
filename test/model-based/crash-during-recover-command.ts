import type { AsyncCommand } from 'fast-check';
import { CrashDuringRecover } from '../../model/index.js';
import { pickCrashState, type CrashState } from '../../crash-sim/crash-states.js';
import { isMutatingOp } from '../../crash-sim/sim-state.js';
import { CrashCommand } from './crash-command.js';
import { recoverAndCompare } from './recovery-check.js';
import { survivingRecords } from '../../oracle/explore/survivors.js';
import { openReal, type ModelBox, type RealBox } from './world.js';

/**
 * A crash, then a second power loss while the real WAL recovers (spec/Wal.tla's
 * CrashDuringRecover), then a recovery that completes. The first crash state comes from the seed
 * as in CrashCommand. The real openWal then runs on that image until the power goes out after
 * `afterOps` of its disk operations (taken modulo how many the recovery needs, found by a dry run
 * on a copy, so the interruption always strikes inside it); the second crash state is picked from
 * what the interrupted recovery left. The model keeps the host's view of the process that crashed
 * first, and the recovery after both crashes must match it exactly.
 */
export class CrashDuringRecoverCommand implements AsyncCommand<ModelBox, RealBox> {
  constructor(
    readonly seed: number,
    readonly afterOps: number,
    readonly secondSeed: number,
  ) {}

  check(m: Readonly<ModelBox>): boolean {
    return m.state.down === null;
  }

  async run(m: ModelBox, r: RealBox): Promise<void> {
    const sim = r.sim;
    if (sim === null) throw new Error('a crash needs the simulated file system');
    const crash = pickCrashState(sim, this.seed);
    const first = new CrashCommand(this.seed).down(m, sim, crash, r.dir, this.toString());
    sim.clearFaults();
    try {
      await r.wal.close();
    } catch {
      // A poisoned or failing close does not matter to a process that crashed.
    }
    r.crashes += 1;
    const down = first.state.down;
    if (down === null) throw new Error('the model did not go down');

    // How many disk operations the recovery of this image needs: a dry run on a copy.
    const dry = crash.image();
    const dryStart = dry.opLog.length;
    const dryOpened = await openReal(r.config, r.dir, dry, first.state.checkpointLsn);
    const recoveryOps = dry.opLog.slice(dryStart).filter(isMutatingOp).length;
    await dryOpened.wal.close().catch(() => undefined);

    let interruptedState = first.state;
    let context = first.context;
    let image = crash.image();
    if (recoveryOps > 0) {
      const interrupted = crash.image();
      interrupted.losePowerAfter(this.afterOps % recoveryOps);
      let opened = false;
      try {
        await openReal(r.config, r.dir, interrupted, first.state.checkpointLsn);
        opened = true;
      } catch {
        // The power went out, as scheduled.
      }
      if (opened || !interrupted.powerLost()) throw new Error(`${this.toString()}: the recovery finished although the power was to fail after ${this.afterOps % recoveryOps} of its ${recoveryOps} disk operations`);
      const second = pickCrashState(interrupted, this.secondSeed);
      r.crashes += 1;
      // Survivors of the second crash state, judged against what the crashed process had written
      // (its page cache and failed writes), as for the first crash.
      const survivors = survivingRecords(againstFirst(second, crash), r.dir, sim.opLog);
      const firstSurvivors = survivingRecords(crash, r.dir, sim.opLog);
      if (survivors.intactLsns.join(',') !== firstSurvivors.intactLsns.join(',')) {
        throw new Error(`the interrupted recovery changed the intact records: ${firstSurvivors.intactLsns.join(',')} became ${survivors.intactLsns.join(',')}\n${second.describe()}`);
      }
      const step = CrashDuringRecover(first.state, { strayLsn: survivors.strayLsn, floorLsn: survivors.floorLsn });
      if (!step.enabled) throw new Error(`an interrupted recovery the model forbids (${step.reason})\n${second.describe()}`);
      interruptedState = step.state;
      context = `${first.context}\npower lost after ${this.afterOps % recoveryOps} of ${recoveryOps} recovery operations: ${second.describe() || '(nothing undecided)'}`;
      image = second.image();
    }
    r.sim = image;
    r.fs = image;
    await recoverAndCompare(m, r, interruptedState, context);
  }

  toString(): string {
    return `crashDuringRecover(${this.seed}, after ${this.afterOps}, ${this.secondSeed})`;
  }
}

/** `second` with the page cache and inodes of `first`'s files, for survivingRecords. */
function againstFirst(second: CrashState, first: CrashState): Pick<CrashState, 'files'> {
  return {
    files: new Map(
      [...second.files].map(([path, file]) => {
        const before = first.files.get(path);
        return [path, before === undefined ? file : file.against(before.cacheContent, before.inode)] as const;
      }),
    ),
  };
}
