// Shared by spec-check.mjs and spec-trace.mjs: finding TLC, running SANY and TLC on spec/,
// reading TLC's summary lines, and turning an ndjson trace into the null-free file TLC's Json
// module can read (it rejects JSON null, which src/core/trace.ts uses for absent LSNs).
//
// TLC is found in one of two ways, in this order: the jar named by TLA2TOOLS_JAR (run with the
// local `java`), or a Docker engine (`docker info` succeeds), in which case the jar is fetched
// once into ~/.cache/walref (TLA2TOOLS_URL overrides where from) and run inside a Java image
// (WALREF_TLA_IMAGE, eclipse-temurin:17-jre by default). Nothing here builds TLC.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const specDir = join(repoRoot, 'spec');

export const SKIP_MESSAGE = 'no TLA2TOOLS_JAR and no Docker engine';

const dockerImage = process.env.WALREF_TLA_IMAGE ?? 'eclipse-temurin:17-jre';
const jarUrl = process.env.TLA2TOOLS_URL ?? 'https://github.com/tlaplus/tlaplus/releases/download/v1.8.0/tla2tools.jar';

/** Where a Java process can find tla2tools.jar, or null when neither java+jar nor Docker exists. */
export async function findRunner(env = process.env) {
  const jar = env.TLA2TOOLS_JAR;
  if (jar !== undefined && jar !== '') {
    if (!existsSync(jar)) throw new Error(`TLA2TOOLS_JAR names ${jar}, which does not exist`);
    return { kind: 'java', jar: resolve(jar) };
  }
  // WALREF_TLA_DOCKER=0 turns the Docker path off (the tests use it to reach the skip path).
  if (env.WALREF_TLA_DOCKER === '0') return null;
  const docker = spawnSync('docker', ['info'], { stdio: 'ignore' });
  if (docker.status === 0) return { kind: 'docker', jar: await cachedJar() };
  return null;
}

async function cachedJar() {
  const dir = join(homedir(), '.cache', 'walref');
  const jar = join(dir, 'tla2tools.jar');
  if (existsSync(jar)) return jar;
  mkdirSync(dir, { recursive: true });
  console.log(`fetching ${jarUrl} into ${dir}`);
  const response = await fetch(jarUrl);
  if (!response.ok) throw new Error(`fetching ${jarUrl} failed with HTTP ${response.status}`);
  writeFileSync(jar, new Uint8Array(await response.arrayBuffer()));
  return jar;
}

/**
 * Runs a Java main class of tla2tools with `args`, in spec/. Every path in `args` must be
 * absolute or relative to spec/; `mounts` lists extra absolute directories Docker must see.
 * `tmpDir`, when given, is Java's temporary directory: SANY and TLC make a `tlc-<n>` directory
 * there on every run and leave it, so it must be one that is removed afterwards.
 */
export function runJava(runner, mainClass, args, mounts = [], tmpDir = null) {
  const jvm = ['-XX:+UseParallelGC', ...(tmpDir === null ? [] : [`-Djava.io.tmpdir=${tmpDir}`]), '-cp'];
  if (runner.kind === 'java') {
    return spawnSync('java', [...jvm, runner.jar, mainClass, ...args], { cwd: specDir, encoding: 'utf8', maxBuffer: 256 << 20 });
  }
  const volumes = [specDir, dirname(runner.jar), ...mounts].flatMap((dir) => ['-v', `${dir}:${dir}`]);
  return spawnSync(
    'docker',
    ['run', '--rm', ...volumes, '-w', specDir, dockerImage, 'java', ...jvm, runner.jar, mainClass, ...args],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
}

/** Parses a module with SANY; returns the error text, or null when it parses. */
export function sany(runner, moduleFile) {
  // SANY, like TLC, unpacks the standard modules into a tlc-<n> directory of Java's temporary
  // directory and leaves it: a temporary directory of our own, removed afterwards, takes it.
  const tmp = mkdtempSync(join(tmpdir(), 'walref-sany-'));
  let run;
  try {
    run = runJava(runner, 'tla2sany.SANY', [moduleFile], [tmp], tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  const failed = run.status !== 0 || /\*\*\* Errors:|Fatal errors|Could not parse|Semantic errors/.test(out);
  return failed ? out : null;
}

/** Runs TLC on `module` with `config` and a metadir in a fresh temp directory (removed after). */
export function tlc(runner, module, config, mounts = []) {
  const meta = mkdtempSync(join(tmpdir(), 'walref-tlc-'));
  const started = Date.now();
  try {
    const args = ['-workers', '2', '-noGenerateSpecTE', '-metadir', meta, '-config', config, module];
    const run = runJava(runner, 'tlc2.TLC', args, [meta, ...mounts], meta);
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    return { exitCode: run.status ?? -1, output, summary: summarize(output), wallMs: Date.now() - started };
  } finally {
    rmSync(meta, { recursive: true, force: true });
  }
}

/** TLC's figures: states generated, distinct states, depth, and the time it reports. */
export function summarize(output) {
  const states = /([\d,]+) states generated, ([\d,]+) distinct states found/.exec(output);
  const depth = /The depth of the complete state graph search is (\d+)/.exec(output);
  const time = /Finished in (.+?) at/.exec(output);
  const number = (text) => (text === undefined ? null : Number(text.replaceAll(',', '')));
  return {
    statesGenerated: number(states?.[1]),
    distinctStates: number(states?.[2]),
    depth: number(depth?.[1]),
    time: time?.[1] ?? null,
  };
}

export function formatSummary(summary) {
  return `states generated ${summary.statesGenerated ?? '?'}, distinct states ${summary.distinctStates ?? '?'}, depth ${summary.depth ?? '?'}, time ${summary.time ?? '?'}`;
}

/** The lines TLC prints about a violation or an error, with the unmatched trace line in full. */
export function violationLines(output) {
  const lines = output.split('\n');
  const picked = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.includes('trace rejected')) {
      // TraceAccepted prints the unmatched event as a multi-line tuple ending in FALSE.
      let j = i;
      while (j < lines.length && !(lines[j] ?? '').includes('FALSE')) j += 1;
      picked.push(...lines.slice(i, j + 1));
      i = j;
    } else if (/^Error: (Invariant|Temporal|Postcondition|TLC threw)|is violated|^The exception was/.test(line)) {
      picked.push(line);
    }
  }
  return picked;
}

// The trace events of src/core/trace.ts, as the file holds them. Absent LSNs may be null or
// left out; `sync` and `checkpointLsn` on Recover are optional additions that TraceWal reads.
// "Open" is Recover's former name, still accepted so that older traces stay valid.
const lsn = z.number().int().nonnegative();
const traceTx = z.object({ beginLsn: lsn, commitLsn: lsn, events: z.array(z.string()) });
const traceEvent = z.union([
  z.object({
    action: z.enum(['Recover', 'Open']),
    nextLsn: lsn,
    durableLsn: lsn,
    transactions: z.array(traceTx),
    sync: z.enum(['per-commit', 'group', 'none']).optional(),
    checkpointLsn: lsn.nullable().optional(),
  }),
  z.object({ action: z.literal('Arm') }),
  z.object({ action: z.literal('Record'), event: z.string() }),
  z.object({ action: z.literal('Commit'), wrote: z.boolean(), beginLsn: lsn.nullable().optional(), commitLsn: lsn.nullable().optional() }),
  z.object({ action: z.literal('Abort'), hadEvents: z.boolean() }),
  z.object({ action: z.literal('Flush'), writtenLsn: lsn, durableLsn: lsn }),
  z.object({ action: z.literal('Fsync'), ok: z.boolean(), durableLsn: lsn }),
  z.object({ action: z.literal('CheckpointMarker'), lsn, snapshotLsn: lsn }),
  z.object({ action: z.literal('TruncateUpTo'), upToLsn: lsn, removedSegments: z.array(z.string()) }),
  z.object({ action: z.literal('Poison'), reason: z.string() }),
  z.object({ action: z.literal('Close') }),
]);

/** Drops fields whose value is null, recursively: TLC's Json module cannot read null. */
function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

/**
 * Validates an ndjson trace line by line and returns its events without nulls. Throws with the
 * line number when a line is not JSON or not a trace event.
 */
export function readTrace(file) {
  const events = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let json;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not JSON (${error.message})`);
      }
      if (['Begin', 'Append', 'AppendBatch', 'WalCommit', 'WalAbort'].includes(json?.action)) {
        // spec/Wal.tla models the recorder, which writes a whole transaction at Commit.
        throw new Error(`${file}:${index + 1}: ${json.action} (the low-level Wal API) is not in spec/Wal.tla; check this trace with walref check-trace`);
      }
      const parsed = traceEvent.safeParse(json);
      if (!parsed.success) {
        throw new Error(`${file}:${index + 1}: not a trace event: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
      events.push(withoutNulls(json));
    });
  if (events.length === 0 || (events[0].action !== 'Recover' && events[0].action !== 'Open')) {
    throw new Error(`${file}: a trace starts with a Recover event`);
  }
  return events;
}

/**
 * Runs TraceWal on a trace file: writes the null-free trace and a copy of TraceWal.cfg naming
 * it into a temp directory, then runs TLC. Accepted when TLC exits 0.
 */
export function checkTrace(runner, file) {
  const events = readTrace(file);
  const dir = mkdtempSync(join(tmpdir(), 'walref-trace-'));
  try {
    const trace = join(dir, 'trace.ndjson');
    writeFileSync(trace, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
    const cfg = readFileSync(join(specDir, 'TraceWal.cfg'), 'utf8').replace(/TraceFile = "[^"]*"/, `TraceFile = ${JSON.stringify(trace)}`);
    const config = join(dir, 'TraceWal.cfg');
    writeFileSync(config, cfg);
    return tlc(runner, 'TraceWal.tla', config, [dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
