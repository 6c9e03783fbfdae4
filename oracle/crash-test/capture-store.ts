// A captured run to a capture file and back (the format is capture-file.ts's). Loading needs --dir
// to hold the initial directory the workload started from, byte for byte: the capture keeps its
// manifest (paths, sizes, sha256), not its contents, and a CaptureMismatch error names the first
// path that differs. The trace is re-parsed with the current parser; its paths still name the
// data directory as it was at capture time, so --dir may live elsewhere on the checking machine.

import { realpathSync, statSync } from 'node:fs';
import { ackLines, captureRun, type CapturedRun } from './run.js';
import { captureHeader, manifestDifference, manifestOf, readCaptureFile, writeCaptureFile } from './capture-file.js';
import { readInitialImage } from './disk.js';
import { CrashTestError } from './errors.js';
import { parseTrace } from './strace-parse.js';

/** Writes `run` to a capture file at `path`; returns its digest (the same as `run.digest`). */
export async function saveCapture(run: CapturedRun, path: string): Promise<string> {
  const header = captureHeader(run.workload, run.dataDir, run.capture, ackLines(run.capture.stdout));
  try {
    return await writeCaptureFile(path, header, manifestOf(run.initial), run.capture.trace);
  } catch (error) {
    throw new CrashTestError('BadCapture', `cannot write the capture file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The run captured in the file at `path`, with `dir` holding its initial directory. */
export async function loadCapture(path: string, dir: string): Promise<CapturedRun> {
  const file = await readCaptureFile(path);
  let real: string;
  try {
    real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CrashTestError('BadDataDir', `--dir ${dir} is not a directory: it must hold the initial directory of the capture`);
  }
  const initial = readInitialImage(real);
  const difference = manifestDifference(file.manifest, manifestOf(initial));
  if (difference !== null) throw new CrashTestError('CaptureMismatch', `--dir ${dir} is not the directory ${path} was captured from: ${difference}`);
  const { header } = file;
  const capture = {
    trace: file.trace,
    stdoutPath: header.stdoutPath,
    stdout: header.acks.map((id) => `ACK ${id}\n`).join(''),
    stderr: '',
    cwd: header.cwd,
    durationMs: header.captureMs,
    ...(header.notes === undefined ? {} : { notes: header.notes }),
  };
  return { dataDir: header.dataDir, initial, capture, parsed: parseTrace(file.trace, { stdoutPath: header.stdoutPath }), workload: header.workload, digest: file.digest };
}

export interface RunSource {
  /** The data directory: where the workload runs, or where the capture's initial directory is. */
  readonly dir: string;
  /** Run this workload under strace... */
  readonly workload?: string;
  /** ...or read the run from this capture file. */
  readonly fromCapture?: string;
  /** Keep the run in a capture file here. */
  readonly saveCapture?: string;
  /** Fail the n-th fsync and fdatasync of each process with EIO (capture.ts's straceFaultArgs). */
  readonly failFsync?: number;
}

/** The captured run a crash-test checks: run now or read from a capture file, and saved when asked. */
export async function obtainRun(source: RunSource): Promise<CapturedRun> {
  const run = source.fromCapture !== undefined ? await loadCapture(source.fromCapture, source.dir) : await captureRun(source.dir, source.workload ?? '', source.failFsync === undefined ? {} : { failFsync: source.failFsync });
  if (source.saveCapture !== undefined) await saveCapture(run, source.saveCapture);
  return run;
}
