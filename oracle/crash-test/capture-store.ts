// A captured run to a capture file and back (the format is capture-file.ts's). Loading needs --dir
// to hold the initial directory the workload started from, byte for byte: the capture keeps its
// manifest (paths, sizes, sha256), not its contents, and a CaptureMismatch error names the first
// path that differs. The trace is re-parsed with the current parser as it is read, never held
// whole; its paths still name the data directory as it was at capture time, so --dir may live
// elsewhere on the checking machine.

import { join } from 'node:path';
import { realpathSync, statSync } from 'node:fs';
import { captureRun, historyFeed, runScratch, type CaptureRunOptions, type CapturedRun } from './run.js';
import { captureHeader, manifestDifference, manifestOf, readCaptureFile, writeCaptureFile } from './capture-file.js';
import { readInitialImage, snapshotDataDir } from './disk.js';
import { CrashTestError } from './errors.js';

/** Writes `run` to a capture file at `path`; returns its digest (the same as `run.digest`). */
export async function saveCapture(run: CapturedRun, path: string): Promise<string> {
  if (run.capture.tracePath === null) throw new CrashTestError('BadCapture', `cannot write the capture file ${path}: the run's trace was not kept`);
  const header = captureHeader(run.workload, run.dataDir, run.capture, run.history.acks.map((a) => a.id));
  try {
    return await writeCaptureFile(path, header, manifestOf(run.initial), { path: run.capture.tracePath });
  } catch (error) {
    throw new CrashTestError('BadCapture', `cannot write the capture file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function realDir(dir: string): string {
  try {
    const real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
    return real;
  } catch {
    throw new CrashTestError('BadDataDir', `--dir ${dir} is not a directory: it must hold the initial directory of the capture`);
  }
}

/** The run captured in the file at `path`, with `dir` holding its initial directory. */
export async function loadCapture(path: string, dir: string): Promise<CapturedRun> {
  const real = realDir(dir);
  const scratch = runScratch();
  try {
    // Checks materialise states from a copy, so that --dir may change while they run.
    const snapshotDir = join(scratch.path, 'initial');
    snapshotDataDir(real, snapshotDir);
    const initial = readInitialImage(snapshotDir);
    const opened: { feed?: ReturnType<typeof historyFeed> } = {};
    const file = await readCaptureFile(path, (header, manifest) => {
      const difference = manifestDifference(manifest, manifestOf(initial));
      if (difference !== null) throw new CrashTestError('CaptureMismatch', `--dir ${dir} is not the directory ${path} was captured from: ${difference}`);
      const feed = historyFeed({ dataDir: header.dataDir, stdoutPath: header.stdoutPath, cwd: header.cwd, initial });
      opened.feed = feed;
      return (line) => feed.parser.line(line);
    });
    const { header } = file;
    // readCaptureFile refuses a file that ends before its trace marker, so the feed was opened.
    if (opened.feed === undefined) throw new CrashTestError('BadCapture', `${path} is not a walref crash-test capture: it has no trace`);
    const { history, parsed } = opened.feed.finish();
    const notes = header.notes === undefined ? {} : { notes: header.notes };
    const capture = { tracePath: null, traceBytes: 0, stdoutPath: header.stdoutPath, stdout: header.acks.map((id) => `ACK ${id}\n`).join(''), stderr: '', cwd: header.cwd, durationMs: header.captureMs, ...notes };
    return { dataDir: header.dataDir, scratch, snapshotDir, initial, capture, parsed, history, workload: header.workload, digest: file.digest, dispose: () => scratch.remove() };
  } catch (error) {
    scratch.remove();
    throw error;
  }
}

export interface RunSource extends CaptureRunOptions {
  /** The data directory: where the workload runs, or where the capture's initial directory is. */
  readonly dir: string;
  /** Run this workload under strace... */
  readonly workload?: string;
  /** ...or read the run from this capture file. */
  readonly fromCapture?: string;
  /** Keep the run in a capture file here. */
  readonly saveCapture?: string;
}

/** The captured run a crash-test checks: run now or read from a capture file, and saved when asked. The caller disposes of it. */
export async function obtainRun(source: RunSource): Promise<CapturedRun> {
  const options: CaptureRunOptions = {
    ...(source.init === undefined ? {} : { init: source.init }),
    ...(source.onEvent === undefined ? {} : { onEvent: source.onEvent }),
    ...(source.failFsync === undefined ? {} : { failFsync: source.failFsync }),
  };
  const run = source.fromCapture !== undefined ? await loadCapture(source.fromCapture, source.dir) : await captureRun(source.dir, source.workload ?? '', options);
  try {
    if (source.saveCapture !== undefined) await saveCapture(run, source.saveCapture);
    return run;
  } catch (error) {
    run.dispose();
    throw error;
  }
}
