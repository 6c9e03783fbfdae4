// `walref demo` (`npm run demo`): a newcomer's first minute with walref.
//
//   1. A small workload runs on the real disk (node:fs) in a fresh temporary directory; the WAL's
//      actions are collected in memory as spec-named trace events and listed.
//   2. `walref dump` of that directory: every segment and record.
//   3. The same workload runs in crash-sim under each combination of `ordered` and `safeAppend`,
//      and every crash state is recovered and checked by the oracle: one table row per combination.
//   4. One crash state, a crash in the middle of the last flush, drawn as a picture of its segment
//      bytes (picture.ts), with what replay recovered from it and what the oracle expected.
//   5. The crash states around the commit point of the workload's checkpoint through the MANIFEST
//      (demo-checkpoint.ts): which epoch each recovery finds, operation by operation.
//
// It writes nothing outside its temporary directory (the trace goes to memory, not to
// WALREF_TRACE) and removes the directory at the end, whatever happens.

import { exploreWorkload, type CrashStateDetail, type ExploreResult } from '../oracle/explore/explore.js';
import { REPORT_ALL_DETAILS } from './html-report.js';
import { describeKnobs, resolveKnobs } from '../crash-sim/knobs.js';
import type { OpenWalLike } from '../oracle/explore/wal-api.js';
import { describeStep, type Workload } from '../oracle/explore/workload.js';
import { ByteClass, BYTE_CLASS_NAMES } from '../crash-sim/file-crash.js';
import type { TraceEvent } from '../src/core/trace.js';
import { makeTempDir, removeDir } from '../src/fs/host-files.js';
import { nodeFileSystem } from '../src/fs/node-fs.js';
import { openWal } from '../src/open-wal.js';
import { runDump } from './commands.js';
import { showCheckpointCommitPoint } from './demo-checkpoint.js';
import { DEMO_WORKLOAD, runOnDisk } from './demo-workload.js';
import { renderEvent } from './format-event.js';
import { ExitCode, type CliIo } from './io.js';
import { drawFiles, legend, pictureStyleFor, type PictureStyle } from './picture.js';
import { progressBar } from './progress.js';

const USAGE = `usage: walref demo

Runs a small workload on the real disk in a temporary directory, dumps it, explores every crash
state of the same workload in the crash simulator, and draws one of them. Takes a few seconds;
removes its directory at the end. Colour follows the terminal (set NO_COLOR=1 to turn it off).
`;

/** The knob combinations of the table: the device's two promises about unsynced data, on and off. */
const COMBINATIONS: readonly { readonly ordered: boolean; readonly safeAppend: boolean }[] = [
  { ordered: true, safeAppend: true },
  { ordered: false, safeAppend: true },
  { ordered: true, safeAppend: false },
  { ordered: false, safeAppend: false },
];

// crash-sim describes the WAL API structurally (wal-api.ts), and the real openWal satisfies it.
// Every open gets a sink that drops trace events, so that a WALREF_TRACE set in the environment
// does not make the exploration write thousands of events outside the demo's temporary directory.
const dropTrace = (): void => undefined;
const simOpenWal: OpenWalLike = (dir, options) => openWal(dir, { ...options, trace: dropTrace });

const NEXT_STEPS: readonly string[] = [
  '  docs/tour.md          the same steps, from arm to replay, in the spec, the model and the code',
  '  docs/fault-model.md   what a crash may do here, and how that compares with other crash simulators',
  '  walref explore <workload.json> --html report.html   every crash state of your own workload, in a browser',
];

export async function runDemo(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  if (argv.length > 0) {
    io.stderr(`walref demo: unexpected argument "${argv[0] ?? ''}"\n${USAGE}`);
    return ExitCode.UsageOrIo;
  }
  const showProgress = process.stderr.isTTY === true;
  const say = (lines: readonly string[] = ['']): void => io.stdout(lines.map((l) => `${l}\n`).join(''));
  const bold = pictureStyleFor(process.env, process.stdout.isTTY === true).color;
  const heading = (text: string): void => say(['', bold ? `\u001b[1m${text}\u001b[0m` : text, '']);

  say(['walref demo: a write-ahead log, and every crash a file system can inflict on it.']);
  const tempDir = makeTempDir('walref-demo-');
  try {
    const walDir = nodeFileSystem.join(tempDir, 'wal');

    heading(`1. The workload, on the real disk (node:fs) in ${walDir}`);
    const events: TraceEvent[] = [];
    await runOnDisk(DEMO_WORKLOAD, walDir, (event) => void events.push(event));
    DEMO_WORKLOAD.steps.forEach((step, i) => say([`  step ${String(i).padStart(2)}: ${describeStep(step)}`]));
    say(['', `  segments rotate once a segment holds ${DEMO_WORKLOAD.options.segmentTargetBytes ?? 0} bytes (segmentTargetBytes), at the next begin.`]);
    say([`  the WAL's actions, named as in spec/Wal.tla: ${summarizeActions(events)}`]);

    heading(`2. walref dump ${walDir}`);
    const dumpCode = await runDump(walDir, indented(io), nodeFileSystem);
    if (dumpCode !== ExitCode.Ok) return dumpCode;

    heading('3. Every crash state of the same workload, in crash-sim');
    say([
      `  The workload runs again on the simulated disk (${DEMO_WORKLOAD.knobs.sectorBytes ?? 512}-byte sectors, so that its small`,
      '  writes can tear). After every file-system operation the simulator enumerates what a crash',
      '  could leave on disk, recovers each image with openWal and checks the six recovery properties.',
      '',
    ]);
    const results = await exploreUnderEveryCombination(io, showProgress);
    say(formatTable(results));
    const violations = results.reduce((sum, r) => sum + r.violationCount, 0);

    const drawn = results[0] === undefined ? undefined : pickMidFlush(results[0]);
    if (drawn !== undefined) {
      heading(`4. One crash state: power lost in the middle of the last flush`);
      say(describeDrawn(drawn, pictureStyleFor(process.env, process.stdout.isTTY === true, largestFile(drawn))));
    }

    await showCheckpointCommitPoint(DEMO_WORKLOAD, simOpenWal, heading, say);

    heading('Next');
    say(NEXT_STEPS);
    if (violations > 0) {
      io.stderr(`walref demo: ${violations} recovery violations found; run walref explore for counterexamples\n`);
      return ExitCode.LogProblem;
    }
    return ExitCode.Ok;
  } finally {
    removeDir(tempDir);
  }
}

/** The demo workload explored under each knob combination of the table, with a progress bar on a terminal. */
async function exploreUnderEveryCombination(io: CliIo, showProgress: boolean): Promise<ExploreResult[]> {
  const results: ExploreResult[] = [];
  for (const [i, knobs] of COMBINATIONS.entries()) {
    if (showProgress) io.stderr(`\r${progressBar(i, COMBINATIONS.length, describeKnobs(resolveKnobs({ ...DEMO_WORKLOAD.knobs, ...knobs })))}`);
    const workload: Workload = { ...DEMO_WORKLOAD, knobs: { ...DEMO_WORKLOAD.knobs, ...knobs } };
    // Only the run whose crash state is drawn needs every state's bytes.
    results.push(await exploreWorkload(workload, { openWal: simOpenWal, ...(i === 0 ? { details: REPORT_ALL_DETAILS } : {}) }));
  }
  if (showProgress) io.stderr(`\r${progressBar(COMBINATIONS.length, COMBINATIONS.length, 'done')}\n`);
  return results;
}

/** An io whose stdout lines are indented by two spaces, for output nested under a heading. */
function indented(io: CliIo): CliIo {
  return { stdout: (s) => io.stdout(s.replace(/^(?=.)/gm, '  ')), stderr: io.stderr };
}

/** "Recover, Arm, Record ×2, Commit, Flush, ..." with runs of the same action folded. */
export function summarizeActions(events: readonly TraceEvent[]): string {
  const parts: string[] = [];
  let previous: string | null = null;
  let count = 0;
  const push = (): void => {
    if (previous !== null) parts.push(count > 1 ? `${previous} ×${count}` : previous);
  };
  for (const event of events) {
    if (event.action === previous) {
      count++;
      continue;
    }
    push();
    previous = event.action;
    count = 1;
  }
  push();
  return parts.join(', ');
}

export function formatTable(results: readonly ExploreResult[]): string[] {
  const header = ['fault model', 'crash points', 'crash states', 'exhaustive', 'recovered prefixes', 'violations'];
  const rows = results.map((r) => [
    describeKnobs(r.knobs),
    String(r.crashPoints),
    String(r.crashStates),
    r.exhaustive ? 'yes' : 'no (sampled)',
    String(r.distinctRecoveredPrefixes),
    String(r.violationCount),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   ')}`;
  const totalStates = results.reduce((sum, r) => sum + r.crashStates, 0);
  const totalMs = results.reduce((sum, r) => sum + r.durationMs, 0);
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `  ${totalStates} crash states recovered and checked in ${(totalMs / 1000).toFixed(1)} s; "recovered prefixes" counts the different`,
    '  lists of transactions recovery returned: always a prefix of the committed ones, never more.',
  ];
}

/**
 * The crash state to draw: a crash right after the last write of the workload (its final flush
 * wrote, the fsync had not returned), choosing the state where that write reached the disk only in
 * part with the most bytes missing, so the picture shows a record cut in the middle.
 */
export function pickMidFlush(result: ExploreResult): CrashStateDetail | undefined {
  const writes = result.details.filter((d) => d.op.startsWith('write '));
  const lastWriteOp = Math.max(...writes.map((d) => d.crashAfterOp));
  const candidates = writes.filter((d) => d.crashAfterOp === lastWriteOp);
  const score = (d: CrashStateDetail): number => {
    const classes = d.files.flatMap((f) => f.classes);
    return classes.filter((c) => c === 'torn').length;
  };
  return [...candidates].sort((a, b) => score(b) - score(a))[0];
}

/** The most bytes any file of the drawn state has, on disk or in the page cache: the picture's width. */
function largestFile(detail: CrashStateDetail): number {
  return Math.max(...detail.files.map((f) => Math.max(f.bytes.length, f.cacheBytes.length)));
}

function describeDrawn(detail: CrashStateDetail, style: PictureStyle): string[] {
  const files = detail.files.map((f) => ({
    path: f.path,
    bytes: f.bytes,
    cacheBytes: f.cacheBytes,
    classes: Uint8Array.from(f.classes, (name) => BYTE_CLASS_NAMES.indexOf(name) === -1 ? ByteClass.lost : BYTE_CLASS_NAMES.indexOf(name)),
  }));
  const torn = detail.files.some((f) => f.classes.includes('torn'));
  const txLines = (txs: CrashStateDetail['expected']): string[] =>
    txs.length === 0 ? ['    (none)'] : txs.map((tx) => `    LSN ${tx.beginLsn}..${tx.commitLsn}: ${tx.events.map(renderEvent).join(', ')}`);
  return [
    `  The crash came right after operation ${detail.crashAfterOp}:`,
    `    ${detail.op}`,
    '  The last flush had handed its write to the OS, but its fsync had not returned, so nothing in',
    `  it was acknowledged (the durable LSN acknowledged to the host was ${detail.acknowledgedDurableLsn}). The disk kept part of it:`,
    '',
    ...detail.survival
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('unsynced') || l.startsWith('dir:'))
      .map((l) => `  ${l}`),
    '',
    ...legend(style).map((l) => `  ${l}`),
    '',
    ...drawFiles(files, style).map((l) => `  ${l}`),
    '',
    '  openWal on this disk replayed:',
    ...(detail.recovered === null ? [`    nothing: it failed with ${detail.error ?? 'an error'}`] : txLines(detail.recovered)),
    '  the oracle, from the surviving writes alone, expected:',
    ...txLines(detail.expected),
    `  verdict: ${detail.violations.length === 0 ? `every recovery property holds${torn ? ' (the frame cut by the crash is dropped as a torn tail)' : ''}` : `violated ${detail.violations.join(', ')}`}`,
  ];
}
