// The three read-only commands. Each checks the directory, reads it through the FileSystem port
// (never locking it, never writing) in one pass, replays it with the pure core, prints through
// `io` and returns the exit code.

import type { RecoveryPolicy } from '../src/core/errors.js';
import { ReplayDriver } from '../src/core/replay.js';
import type { FileSystem } from '../src/fs/port.js';
import { describeFailure, exitCodeOf, type CliFailure } from './cli-failure.js';
import { formatDumpVerdict, formatEntry, type DumpVerdict } from './format-dump.js';
import { formatReplaySummaryText, formatTransactionText, ReplayJsonWriter } from './format-replay.js';
import { formatManifest, formatPolicyReport } from './format-manifest.js';
import { formatVerifyOk } from './format-verify.js';
import { ExitCode, type CliIo, type ExitCodeValue } from './io.js';
import { checkLiveSnapshot, inspectEpoch, inspectLogDirectory, readSegment, sweepDirectory } from './read-log.js';
import { walkSegment } from './walk-frames.js';

export async function runDump(dir: string, io: CliIo, fs: FileSystem): Promise<ExitCodeValue> {
  const listed = inspectLogDirectory(fs, dir);
  if (!listed.ok) return reportFailure('dump', listed.failure, io);
  const epoch = inspectEpoch(fs, dir);
  if (!epoch.ok) return reportFailure('dump', epoch.failure, io);
  const live = epoch.value.manifest === null ? null : await checkLiveSnapshot(fs, dir, epoch.value.manifest);
  writeLines(io, formatManifest(epoch.value, live?.ok === true));
  if (live !== null && !live.ok) writeLines(io, [`error: ${describeFailure(live.failure)}`]);
  // One pass over the log: each segment is read once, listed frame by frame as it physically is,
  // and fed whole to replay, which decides what it means (torn tail or corruption). After a typed
  // error replay stops, but the listing goes on to the last segment. Replay's fence is the live
  // snapshot's LSN, as openWal's is.
  const driver = new ReplayDriver(listed.value, { checkpointLsn: epoch.value.checkpointLsn, copyEvents: false });
  let failure: CliFailure | null = null;
  let records = 0;
  let transactions = 0;
  for (const entry of listed.value) {
    const segment = await readSegment(fs, dir, entry);
    if (!segment.ok) return reportFailure('dump', segment.failure, io);
    const lines: string[] = [];
    for (const walked of walkSegment(segment.value)) {
      if (walked.kind === 'record') records += 1;
      lines.push(formatEntry(walked));
    }
    writeLines(io, lines);
    if (failure !== null) continue;
    const fed = driver.feedSegment(segment.value.bytes);
    transactions += driver.takeCommitted().length;
    if (!fed.ok) failure = { kind: 'log', error: fed.error };
  }
  const verdict = dumpVerdict(failure, driver, transactions);
  writeLines(io, formatDumpVerdict({ segments: listed.value.length, records }, verdict));
  return verdict.ok ? ExitCode.Ok : exitCodeOf(verdict.failure);
}

export async function runReplay(
  dir: string,
  json: boolean,
  requestedLsn: number,
  io: CliIo,
  fs: FileSystem,
  recovery: RecoveryPolicy = 'tolerate-torn-tail',
): Promise<ExitCodeValue> {
  const listed = inspectLogDirectory(fs, dir);
  if (!listed.ok) return reportFailure('replay', listed.failure, io);
  const epoch = inspectEpoch(fs, dir);
  if (!epoch.ok) return reportFailure('replay', epoch.failure, io);
  // As openWal: the fence is the live snapshot's LSN, or the one asked for when it is higher.
  const checkpointLsn = Math.max(requestedLsn, epoch.value.checkpointLsn);
  let transactions = 0;
  const jsonWriter = json ? new ReplayJsonWriter(io.stdout) : null;
  jsonWriter?.open(checkpointLsn);
  const swept = await sweepDirectory(fs, dir, checkpointLsn, (tx) => {
    transactions += 1;
    if (jsonWriter !== null) jsonWriter.transaction(tx);
    else writeLines(io, formatTransactionText(tx));
  }, recovery);
  if (!swept.ok) {
    if (jsonWriter !== null) io.stdout('\n');
    const code = reportFailure('replay', swept.failure, io);
    if (checkpointLsn > 0 && swept.failure.kind === 'log' && swept.failure.error.code === 'Malformed' && swept.failure.error.rule === 'missing-tx-begin') {
      // Replay skips records at or below the checkpoint LSN, so one inside a transaction hides its
      // TxBegin; a host only ever checkpoints at a transaction boundary.
      io.stderr(`walref replay: note: --checkpoint-lsn ${checkpointLsn} may split a transaction; use a commit LSN (see walref dump)\n`);
    }
    return code;
  }
  if (jsonWriter !== null) jsonWriter.close(swept.value);
  else writeLines(io, [...formatPolicyReport(swept.value.policyReport), ...formatReplaySummaryText(swept.value, transactions, checkpointLsn)]);
  return ExitCode.Ok;
}

export async function runVerify(dir: string, strict: boolean, io: CliIo, fs: FileSystem, recovery: RecoveryPolicy = 'tolerate-torn-tail'): Promise<ExitCodeValue> {
  const listed = inspectLogDirectory(fs, dir);
  if (!listed.ok) return reportFailure('verify', listed.failure, io);
  const epoch = inspectEpoch(fs, dir);
  if (!epoch.ok) return reportFailure('verify', epoch.failure, io);
  if (epoch.value.manifest !== null) {
    const live = await checkLiveSnapshot(fs, dir, epoch.value.manifest);
    if (!live.ok) return reportFailure('verify', live.failure, io);
  }
  let transactions = 0;
  const swept = await sweepDirectory(fs, dir, epoch.value.checkpointLsn, () => void (transactions += 1), recovery);
  if (!swept.ok) return reportFailure('verify', swept.failure, io);
  const manifestLines = epoch.value.manifest === null ? [] : formatManifest(epoch.value, true);
  const line = formatVerifyOk(dir, swept.value, transactions);
  // A policy that had to cut or skip damage recovered around a damaged log: verify says what it
  // did, and that the log is not well formed.
  const report = swept.value.policyReport;
  if (report !== undefined && (report.cut !== null || report.skipped.length > 0)) {
    writeLines(io, [...manifestLines, ...formatPolicyReport(report)]);
    io.stderr(`walref verify: damaged, recoverable under ${report.policy}: ${line.replace(/^ok: /, '')}\n`);
    return ExitCode.LogProblem;
  }
  const tail = swept.value.tornTail;
  // A plain torn tail is what a crash leaves and openWal repairs: the log is well formed. Whole
  // valid frames after the bad spot are different: openWal would drop them with the tail, and
  // they may hold acknowledged commits, so verify flags them (and --strict flags any torn tail).
  if (tail !== null && (strict || tail.validFramesAfter)) {
    const why = tail.validFramesAfter ? 'valid frames after a torn spot' : '--strict';
    io.stderr(`walref verify: ${why}: ${line.replace(/^ok: /, '')}\n`);
    return ExitCode.LogProblem;
  }
  writeLines(io, manifestLines);
  io.stdout(`${line}\n`);
  return ExitCode.Ok;
}

/** Writes the failure's one line, prefixed "walref <command>:" (or "walref:" without a command). */
export function reportFailure(commandName: string | null, failure: CliFailure, io: CliIo): ExitCodeValue {
  io.stderr(`walref${commandName === null ? '' : ` ${commandName}`}: ${describeFailure(failure)}\n`);
  return exitCodeOf(failure);
}

function writeLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout(lines.map((line) => `${line}\n`).join(''));
}

/** Replay's verdict on the whole log: the failure that stopped it, or its summary. */
function dumpVerdict(failure: CliFailure | null, driver: ReplayDriver, transactions: number): DumpVerdict {
  if (failure !== null) return { ok: false, failure };
  const summary = driver.finish();
  transactions += driver.takeCommitted().length;
  return summary.ok ? { ok: true, summary: summary.value, transactions } : { ok: false, failure: { kind: 'log', error: summary.error } };
}
