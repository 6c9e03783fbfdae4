// The three read-only commands. Each reads the directory through the FileSystem port (never
// locking it, never writing), runs the pure replay over the bytes, prints through `io` and
// returns the exit code.

import { replay } from '../core/replay.js';
import type { FileSystem } from '../fs/port.js';
import { describeFailure, exitCodeOf, type CliFailure } from './cli-failure.js';
import { formatDump } from './format-dump.js';
import { formatReplayText, replayToJson } from './format-replay.js';
import { formatVerifyOk } from './format-verify.js';
import { ExitCode, type CliIo, type ExitCodeValue } from './io.js';
import { readLogDirectory } from './read-log.js';
import { walkSegments } from './walk-frames.js';

export function runDump(dir: string, io: CliIo, fs: FileSystem): ExitCodeValue {
  const log = readLogDirectory(fs, dir);
  if (!log.ok) return reportFailure('dump', log.failure, io);
  const entries = [...walkSegments(log.segments)];
  const verdict = replay({ segments: log.segments, checkpointLsn: 0 });
  writeLines(io, formatDump(entries, verdict));
  return verdict.ok ? ExitCode.Ok : ExitCode.LogProblem;
}

export function runReplay(dir: string, json: boolean, checkpointLsn: number, io: CliIo, fs: FileSystem): ExitCodeValue {
  const log = readLogDirectory(fs, dir);
  if (!log.ok) return reportFailure('replay', log.failure, io);
  const verdict = replay({ segments: log.segments, checkpointLsn });
  if (!verdict.ok) return reportFailure('replay', { kind: 'log', error: verdict.error }, io);
  if (json) io.stdout(`${JSON.stringify(replayToJson(verdict.value, checkpointLsn), null, 2)}\n`);
  else writeLines(io, formatReplayText(verdict.value, checkpointLsn));
  return ExitCode.Ok;
}

export function runVerify(dir: string, strict: boolean, io: CliIo, fs: FileSystem): ExitCodeValue {
  const log = readLogDirectory(fs, dir);
  if (!log.ok) return reportFailure('verify', log.failure, io);
  const verdict = replay({ segments: log.segments, checkpointLsn: 0 });
  if (!verdict.ok) return reportFailure('verify', { kind: 'log', error: verdict.error }, io);
  const line = formatVerifyOk(dir, verdict.value, countRecords(log.segments));
  if (strict && verdict.value.tornTail !== null) {
    io.stderr(`walref verify: --strict: ${line.replace(/^ok: /, '')}\n`);
    return ExitCode.LogProblem;
  }
  io.stdout(`${line}\n`);
  return ExitCode.Ok;
}

function countRecords(segments: Parameters<typeof walkSegments>[0]): number {
  let records = 0;
  for (const entry of walkSegments(segments)) if (entry.kind === 'record') records += 1;
  return records;
}

export function reportFailure(commandName: string, failure: CliFailure, io: CliIo): ExitCodeValue {
  io.stderr(`walref ${commandName}: ${describeFailure(failure)}\n`);
  return exitCodeOf(failure);
}

function writeLines(io: CliIo, lines: readonly string[]): void {
  io.stdout(lines.map((line) => `${line}\n`).join(''));
}
