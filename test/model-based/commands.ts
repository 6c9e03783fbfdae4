// The command arbitrary: fc.commands over every command, weighted so that runs commit, flush and
// crash often. Runs on node:fs leave out what needs the simulator (crashes and faults).

import fc from 'fast-check';
import type { AsyncCommand } from 'fast-check';
import { AbortCommand } from './abort-command.js';
import { ArmCommand } from './arm-command.js';
import { CheckpointCommand } from './checkpoint-command.js';
import { CommitCommand } from './commit-command.js';
import { CrashCommand } from './crash-command.js';
import { CrashDuringRecoverCommand } from './crash-during-recover-command.js';
import { FlushCommand } from './flush-command.js';
import { ForceFsyncCommand } from './force-fsync-command.js';
import { FsyncFaultCommand } from './fsync-fault-command.js';
import { ManifestCheckpointCommand } from './manifest-checkpoint-command.js';
import { GroupSyncCommand } from './group-sync-command.js';
import { RecordCommand } from './record-command.js';
import { RecoverCommand } from './recover-command.js';
import { TransactionCommand } from './transaction-command.js';
import { TruncateCommand } from './truncate-command.js';
import { WalAbortCommand } from './wal-abort-command.js';
import { WriteFaultCommand } from './write-fault-command.js';
import type { ModelBox, RealBox } from './world.js';

export type WalCommand = AsyncCommand<ModelBox, RealBox>;

const caller = fc.constantFrom('recorder' as const, 'wal' as const);
const syncingCall = fc.constantFrom('flush' as const, 'forceFsync' as const, 'groupSync' as const);

export interface CommandOptions {
  /** Crash and fault commands need crash-sim. */
  readonly simulated: boolean;
  /**
   * 'all': every command, misuse and faults included. 'segments': whole queries, checkpoints,
   * truncation, reopens and crashes, so small segments rotate often and get truncated.
   * 'interrupted-recovery': every command of 'all', plus crashes whose recovery is interrupted by
   * a second power loss (a profile of its own, so that the pinned counterexamples of 'all' keep
   * replaying).
   */
  readonly profile?: 'all' | 'segments' | 'interrupted-recovery';
  readonly maxCommands: number;
  readonly replayPath?: string;
}

function weighted(arbitrary: fc.Arbitrary<WalCommand>, weight: number): fc.WeightedArbitrary<WalCommand> {
  return { arbitrary, weight };
}

export function commandArbitraries(simulated: boolean): fc.Arbitrary<WalCommand>[] {
  const label = fc.constantFrom('a', 'b', 'ccc', '');
  const always: fc.WeightedArbitrary<WalCommand>[] = [
    weighted(fc.constant(new ArmCommand()), 15),
    weighted(label.map((l) => new RecordCommand(l)), 21),
    weighted(fc.constant(new CommitCommand()), 15),
    weighted(fc.constant(new AbortCommand()), 5),
    weighted(fc.integer({ min: 0, max: 2 }).map((n) => new WalAbortCommand(n)), 3),
    weighted(caller.map((c) => new FlushCommand(c)), 9),
    weighted(caller.map((c) => new ForceFsyncCommand(c)), 3),
    weighted(fc.constant(new GroupSyncCommand()), 6),
    weighted(fc.integer({ min: 0, max: 3 }).map((n) => new TransactionCommand(n)), 6),
    weighted(fc.nat(7).map((pick) => new CheckpointCommand(pick)), 4),
    weighted(fc.nat(3).map((pick) => new TruncateCommand(pick)), 4),
    weighted(fc.constant(new RecoverCommand()), 3),
    // Host misuse, rare: each poisons the WAL until the next reopen or crash.
    weighted(fc.constant(new ArmCommand(true)), 1),
    weighted(label.map((l) => new RecordCommand(l, true)), 1),
    weighted(fc.constant(new CommitCommand(true)), 1),
  ];
  const simOnly: fc.WeightedArbitrary<WalCommand>[] = [
    weighted(fc.nat().map((seed) => new CrashCommand(seed)), 9),
    weighted(fc.tuple(syncingCall, caller).map(([call, c]) => new FsyncFaultCommand(call, c)), 3),
    weighted(
      fc
        .tuple(fc.constantFrom('enospc' as const, 'short' as const), fc.constantFrom('none' as const, 'half' as const, 1, 9), syncingCall, caller)
        .map(([fault, partial, call, c]) => new WriteFaultCommand(fault, partial, call, c)),
      3,
    ),
  ];
  // fc.commands takes a list of arbitraries and picks among them uniformly; one oneof carries the weights.
  return [fc.oneof(...always, ...(simulated ? simOnly : []))];
}

export function segmentArbitraries(simulated: boolean): fc.Arbitrary<WalCommand>[] {
  const commands: fc.WeightedArbitrary<WalCommand>[] = [
    weighted(fc.integer({ min: 0, max: 3 }).map((n) => new TransactionCommand(n)), 20),
    weighted(fc.integer({ min: 0, max: 2 }).map((n) => new WalAbortCommand(n)), 2),
    weighted(caller.map((c) => new ForceFsyncCommand(c)), 2),
    weighted(fc.nat(7).map((pick) => new CheckpointCommand(pick)), 6),
    weighted(fc.nat(3).map((pick) => new TruncateCommand(pick)), 6),
    // Snapshots through the MANIFEST, with retention; in this profile only, so that the pinned
    // counterexamples of the others (planted/pins.ts) still replay the commands they were found with.
    weighted(
      fc.tuple(fc.nat(9), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1 })).map(([pick, snapshots, behind]) => new ManifestCheckpointCommand(pick, snapshots, behind)),
      6,
    ),
    weighted(fc.constant(new RecoverCommand()), 3),
    ...(simulated ? [weighted(fc.nat().map((seed) => new CrashCommand(seed)), 4)] : []),
  ];
  return [fc.oneof(...commands)];
}

/** Every command of 'all', and one in eight a crash whose recovery a second power loss interrupts. */
export function interruptedRecoveryArbitraries(): fc.Arbitrary<WalCommand>[] {
  const interrupted = fc
    .tuple(fc.nat(), fc.nat(7), fc.nat())
    .map(([seed, afterOps, secondSeed]): WalCommand => new CrashDuringRecoverCommand(seed, afterOps, secondSeed));
  return [fc.oneof(...commandArbitraries(true).map((arbitrary) => weighted(arbitrary, 7)), weighted(interrupted, 1))];
}

export function walCommands(options: CommandOptions): fc.Arbitrary<Iterable<WalCommand>> {
  const arbitraries =
    options.profile === 'segments'
      ? segmentArbitraries(options.simulated)
      : options.profile === 'interrupted-recovery'
        ? interruptedRecoveryArbitraries()
        : commandArbitraries(options.simulated);
  return fc.commands(arbitraries, {
    maxCommands: options.maxCommands,
    size: 'max',
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
}
