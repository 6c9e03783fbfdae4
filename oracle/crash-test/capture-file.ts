// The capture file (docs/oracle.md §6): one workload run under strace, kept so that its crash
// states can be checked later, elsewhere, in shards, without running the workload again.
//
//   capture  := header manifest* marker trace
//   header   := {"format":"walref-crash-test-capture","version":1,"workload":…,"dataDir":…,
//                "stdoutPath":…,"cwd":…,"captureMs":…,"acks":[…]}            one JSON line
//   manifest := {"dir":"a/b"} | {"file":"a/b/c","size":N,"sha256":"<hex>"}     one JSON line each:
//                what --dir held before the workload ran, sorted by path
//   marker   := {"trace":"strace"}                                             one JSON line
//   trace    := strace's own output, verbatim, to the end of the file
//
// The trace is kept as strace wrote it, not as the parsed history: strace's format is the stable
// interface (the parsed calls and the op log are walref's internals and change between versions),
// a capture re-parses with the current parser and gains its fixes, and the text streams in and out
// line by line. The knobs are not part of a capture: one capture serves any knob setting, chosen
// when it is checked. The capture's digest (sha256 of the file's bytes) names it in every --json
// report, so that `crash-test merge` only merges shards of one capture.

import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Capture } from './capture.js';
import { CrashTestError } from './errors.js';
import type { ImageBytes } from '../../crash-sim/sim-state.js';
import type { InitialImage } from './syscall-history.js';

export const CAPTURE_FORMAT = 'walref-crash-test-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureHeader {
  readonly format: typeof CAPTURE_FORMAT;
  readonly version: typeof CAPTURE_VERSION;
  readonly workload: string;
  /** The real path of --dir when the workload ran: the trace names its files under it. */
  readonly dataDir: string;
  readonly stdoutPath: string;
  readonly cwd: string;
  readonly captureMs: number;
  /** The ids the workload acknowledged, in order (the trace places them among the calls). */
  readonly acks: readonly string[];
  /** The capture's notes on injected faults (`--fail-fsync`), when it has any. */
  readonly notes?: readonly string[];
}

export type ManifestEntry = { readonly dir: string } | { readonly file: string; readonly size: number; readonly sha256: string };

const TRACE_MARKER = JSON.stringify({ trace: 'strace' });

const HASH_PIECE_BYTES = 1 << 20;

/** The sha256 of a file's contents, read a piece at a time (a snapshot's files are read on demand). */
function sha256Of(content: ImageBytes): string {
  const hash = createHash('sha256');
  if (content instanceof Uint8Array) return hash.update(content).digest('hex');
  // A snapshot's file is read straight from the snapshot, a large piece at a time.
  const read = content.isExternalOnly() && content.external !== null ? content.external.read.bind(content.external) : content.read.bind(content);
  for (let at = 0; at < content.sizeBytes; at += HASH_PIECE_BYTES) hash.update(read(at, Math.min(HASH_PIECE_BYTES, content.sizeBytes - at)));
  return hash.digest('hex');
}

/** What `initial` holds, as manifest entries sorted by path. */
export function manifestOf(initial: InitialImage): ManifestEntry[] {
  const entries: ManifestEntry[] = [
    ...initial.dirs.map((dir) => ({ dir })),
    ...[...initial.files].map(([file, content]) => ({ file, size: content instanceof Uint8Array ? content.length : content.sizeBytes, sha256: sha256Of(content) })),
  ];
  return entries.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
}

function pathOf(entry: ManifestEntry): string {
  return 'dir' in entry ? entry.dir : entry.file;
}

/** The first difference between the manifest a capture was made with and what --dir holds now, or null. */
export function manifestDifference(expected: readonly ManifestEntry[], actual: readonly ManifestEntry[]): string | null {
  const want = new Map(expected.map((e) => [pathOf(e), e]));
  const have = new Map(actual.map((e) => [pathOf(e), e]));
  for (const path of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(path);
    const h = have.get(path);
    if (w === undefined) return `${path} is in --dir but was not there when the workload was captured`;
    if (h === undefined) return `${path} is missing from --dir`;
    if ('dir' in w !== 'dir' in h) return `${path} is a ${'dir' in h ? 'directory' : 'file'} in --dir but was a ${'dir' in w ? 'directory' : 'file'}`;
    if ('file' in w && 'file' in h && w.size !== h.size) return `${path} holds ${h.size} bytes in --dir, ${w.size} when captured`;
    if ('file' in w && 'file' in h && w.sha256 !== h.sha256) return `${path} holds other bytes in --dir than when captured (sha256 ${h.sha256.slice(0, 12)}…, captured ${w.sha256.slice(0, 12)}…)`;
  }
  return null;
}

/** The trace of a capture: its text, or the file strace wrote it to (streamed, never held whole). */
export type TraceSource = string | { readonly path: string };

/** The chunks of a capture file, in order: its lines, then the trace as strace wrote it. */
async function* captureChunks(header: CaptureHeader, manifest: readonly ManifestEntry[], trace: TraceSource): AsyncGenerator<string | Buffer> {
  yield `${JSON.stringify(header)}\n`;
  for (const entry of manifest) yield `${JSON.stringify(entry)}\n`;
  yield `${TRACE_MARKER}\n`;
  if (typeof trace === 'string') yield trace;
  else for await (const chunk of createReadStream(trace.path)) yield chunk as Buffer;
}

export function captureHeader(workload: string, dataDir: string, capture: Capture, acks: readonly string[]): CaptureHeader {
  const notes = capture.notes === undefined || capture.notes.length === 0 ? {} : { notes: capture.notes };
  return { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, workload, dataDir, stdoutPath: capture.stdoutPath, cwd: capture.cwd, captureMs: capture.durationMs, acks, ...notes };
}

/** The digest a capture file of these contents has: `sha256:<hex>`, computed without writing it. */
export async function captureDigest(header: CaptureHeader, manifest: readonly ManifestEntry[], trace: TraceSource): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of captureChunks(header, manifest, trace)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/** Writes the capture file; returns its digest. */
export async function writeCaptureFile(path: string, header: CaptureHeader, manifest: readonly ManifestEntry[], trace: TraceSource): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  for await (const chunk of captureChunks(header, manifest, trace)) {
    hash.update(chunk);
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return `sha256:${hash.digest('hex')}`;
}

export interface CaptureFile {
  readonly header: CaptureHeader;
  readonly manifest: readonly ManifestEntry[];
  /** The trace's text, unless its lines went to `onTraceLine` (then ''). */
  readonly trace: string;
  readonly digest: string;
}

function bad(path: string, why: string): CrashTestError {
  return new CrashTestError('BadCapture', `${path} is not a walref crash-test capture: ${why}`);
}

function parseJsonLine(path: string, line: string, lineNo: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw bad(path, `line ${lineNo} is not a JSON object`);
}

function checkHeader(path: string, value: Record<string, unknown>): CaptureHeader {
  if (value['format'] !== CAPTURE_FORMAT) throw bad(path, `its first line does not say "format":"${CAPTURE_FORMAT}"`);
  if (value['version'] !== CAPTURE_VERSION) throw new CrashTestError('BadCapture', `${path} is a capture of version ${String(value['version'])}; this walref reads version ${CAPTURE_VERSION}`);
  for (const key of ['workload', 'dataDir', 'stdoutPath', 'cwd'] as const) if (typeof value[key] !== 'string') throw bad(path, `its header has no ${key}`);
  if (typeof value['captureMs'] !== 'number' || !Array.isArray(value['acks'])) throw bad(path, 'its header has no captureMs or acks');
  if (value['notes'] !== undefined && !(Array.isArray(value['notes']) && value['notes'].every((n) => typeof n === 'string'))) throw bad(path, 'its header\'s notes are not a list of strings');
  return value as unknown as CaptureHeader;
}

function manifestEntry(path: string, value: Record<string, unknown>, lineNo: number): ManifestEntry {
  if (typeof value['dir'] === 'string') return { dir: value['dir'] };
  if (typeof value['file'] === 'string' && typeof value['size'] === 'number' && typeof value['sha256'] === 'string') return { file: value['file'], size: value['size'], sha256: value['sha256'] };
  throw bad(path, `line ${lineNo} is neither a manifest entry nor the trace marker`);
}

/**
 * Where a trace's lines go as they are read, once the header and manifest are known: a trace can be
 * hundreds of megabytes, so a reader that parses it as it comes never holds it whole.
 */
export type TraceSink = (header: CaptureHeader, manifest: readonly ManifestEntry[]) => (line: string) => void;

/** Reads a capture file line by line: the trace's lines go to `sink` when it is given, and are kept as text otherwise. */
export async function readCaptureFile(path: string, sink?: TraceSink): Promise<CaptureFile> {
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw new CrashTestError('BadCapture', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const hash = createHash('sha256');
  const stream = createReadStream(path);
  stream.on('data', (chunk) => hash.update(chunk));
  let header: CaptureHeader | null = null;
  const manifest: ManifestEntry[] = [];
  const trace: string[] = [];
  let onLine: ((line: string) => void) | null = null;
  let lineNo = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo++;
    if (onLine !== null) onLine(line);
    else if (header === null) header = checkHeader(path, parseJsonLine(path, line, lineNo));
    else if (line === TRACE_MARKER) onLine = sink === undefined ? (l) => trace.push(l) : sink(header, manifest);
    else manifest.push(manifestEntry(path, parseJsonLine(path, line, lineNo), lineNo));
  }
  const inTrace = onLine !== null;
  if (header === null) throw bad(path, 'it is empty');
  if (!inTrace) throw bad(path, 'it ends before the trace (cut short?)');
  return { header, manifest, trace: trace.length === 0 ? '' : `${trace.join('\n')}\n`, digest: `sha256:${hash.digest('hex')}` };
}
