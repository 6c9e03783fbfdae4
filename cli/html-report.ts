// The crash-state report of `walref explore --html`: one self-contained HTML page (inline CSS and
// script, no network) showing the workload's operations, every explored crash state with its
// segment bytes coloured durable / lost / torn / garbage, what recovery returned and the verdict.
// The page is navigable by keyboard (j / k or the arrow keys between crash states).
//
// This module is a pure function from an exploration (explore.ts's ExploreResult, run with
// REPORT_ALL_DETAILS so that every crash state comes back with its bytes) to a string. The page's
// data travels as one JSON object in a <script type="application/json"> element and the inline
// script renders the selected state, so a page with thousands of crash states stays light: the
// byte map of only one state is in the DOM at a time.
//
// Frames are located in the page-cache bytes with the CLI's frame walk (walk-frames.ts, src/core's
// decoder). That is presentation only: the verdict shown comes from the oracle, which never
// decodes with src/. Records and events read as in the dump and the picture (format-record.ts,
// format-event.ts).

import type { CrashFileDetail, ExploreResult } from '../oracle/explore/explore.js';
import { BYTE_CLASS_NAMES, type ByteClassName } from '../crash-sim/file-crash.js';
import type { ReplayedTx } from '../oracle/explore/explore-history.js';
import { describeKnobs } from '../crash-sim/knobs.js';
import type { Workload } from '../oracle/explore/workload.js';
import { renderEvent, toHex } from './format-event.js';
import { describeRecord } from './format-record.js';
import { REPORT_CSS, REPORT_SCRIPT } from './html-report-client.js';
import { wholeFrames } from './walk-frames.js';

/**
 * Pass this as `details` to exploreWorkload when the result is meant for the report, so that
 * every crash state (not only violating ones) comes back with its bytes.
 */
export const REPORT_ALL_DETAILS = Number.MAX_SAFE_INTEGER;

export interface ReportOptions {
  /** The page title; by default it names the workload's size. */
  readonly title?: string;
}

function titleOf(workload: Workload, options: ReportOptions): string {
  return options.title ?? `walref explore: every crash state of a ${workload.steps.length}-step workload`;
}

/** The JSON the page script reads; short keys because a page may hold thousands of states. */
interface PageData {
  readonly title: string;
  readonly knobs: string;
  readonly summary: {
    readonly crashStates: number;
    readonly exhaustive: boolean;
    readonly violations: number;
    readonly prefixes: number;
    readonly crashPoints: number;
  };
  readonly classes: readonly string[];
  readonly steps: readonly { readonly d: string; readonly s: number; readonly e: number; readonly err: string | null }[];
  /** Operation descriptions by op-log index, for the operations that are crash points. */
  readonly ops: Readonly<Record<number, string>>;
  /** Distinct byte strings as hex, referenced by index. */
  readonly blobs: readonly string[];
  /** Frames found in each blob (by blob index): [offset, length, lsn, description]. */
  readonly frames: Readonly<Record<number, readonly (readonly [number, number, number, string])[]>>;
  readonly states: readonly {
    /** The op-log index the crash happened after. */
    readonly op: number;
    readonly step: string | null;
    /** path, cache blob, disk blob (-1: the disk holds a prefix of the cache), disk size, class runs. */
    readonly f: readonly (readonly [string, number, number, number, string])[];
    readonly survival: string;
    readonly ack: number;
    readonly exp: readonly (readonly [number, number, readonly string[]])[];
    readonly rec: readonly (readonly [number, number, readonly string[]])[] | null;
    readonly err: string | null;
    readonly v: readonly string[];
    /** crash-test only: the acknowledged ids the checker was given and its last output line. */
    readonly chk?: { readonly ids: readonly string[]; readonly out: string };
  }[];
  /** The oracle's messages and counterexamples of the simplest violations. */
  readonly violations: readonly string[];
  /** 'crash-test' pages show the checker's verdict instead of a WAL recovery. */
  readonly mode?: 'explore' | 'crash-test';
}

export function framesOf(bytes: Uint8Array): [number, number, number, string][] {
  return wholeFrames(bytes).map(({ offsetBytes, frameBytes, record }) => [offsetBytes, frameBytes, record.lsn, describeRecord(record)]);
}

/** Byte classes as runs of class codes: "0:120,1:64" (code : run length), codes as in BYTE_CLASS_NAMES. */
export function classRuns(classes: readonly ByteClassName[]): string {
  const runs: string[] = [];
  let at = 0;
  while (at < classes.length) {
    const code = BYTE_CLASS_NAMES.indexOf(classes[at] ?? 'lost');
    let end = at + 1;
    while (end < classes.length && classes[end] === classes[at]) end++;
    runs.push(`${code}:${end - at}`);
    at = end;
  }
  return runs.join(',');
}

function isPrefixOf(prefix: Uint8Array, whole: Uint8Array): boolean {
  if (prefix.length > whole.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== whole[i]) return false;
  return true;
}

function txRows(txs: readonly ReplayedTx[]): [number, number, string[]][] {
  return txs.map((tx) => [tx.beginLsn, tx.commitLsn, tx.events.map(renderEvent)]);
}

/** Distinct byte strings as hex, shared by every state of a page, with the frames found in each. */
class BlobTable {
  readonly blobs: string[] = [];
  readonly frames: Record<number, [number, number, number, string][]> = {};
  readonly #index = new Map<string, number>();

  blob(bytes: Uint8Array, withFrames: boolean): number {
    const hex = toHex(bytes);
    let index = this.#index.get(hex);
    if (index === undefined) {
      index = this.blobs.length;
      this.blobs.push(hex);
      this.#index.set(hex, index);
    }
    if (withFrames && this.frames[index] === undefined) this.frames[index] = framesOf(bytes);
    return index;
  }

  /** path, cache blob, disk blob (-1: a prefix of the cache), disk size, class runs. */
  files(files: readonly CrashFileDetail[]): (readonly [string, number, number, number, string])[] {
    return [...files]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((file) => {
        const cache = this.blob(file.cacheBytes, true);
        const disk = isPrefixOf(file.bytes, file.cacheBytes) ? -1 : this.blob(file.bytes, false);
        return [file.path, cache, disk, file.bytes.length, classRuns(file.classes)] as const;
      });
  }
}

export function pageData(result: ExploreResult, workload: Workload, options: ReportOptions = {}): PageData {
  const table = new BlobTable();
  const ops: Record<number, string> = {};
  for (const detail of result.details) ops[detail.crashAfterOp] = detail.op;
  const states = [...result.details]
    .sort((a, b) => a.crashAfterOp - b.crashAfterOp)
    .map((detail) => ({
      op: detail.crashAfterOp,
      step: detail.step,
      f: table.files(detail.files),
      survival: detail.survival,
      ack: detail.acknowledgedDurableLsn,
      exp: txRows(detail.expected),
      rec: detail.recovered === null ? null : txRows(detail.recovered),
      err: detail.error,
      v: detail.violations,
    }));
  return {
    title: titleOf(workload, options),
    knobs: describeKnobs(result.knobs),
    summary: {
      crashStates: result.crashStates,
      exhaustive: result.exhaustive,
      violations: result.violationCount,
      prefixes: result.distinctRecoveredPrefixes,
      crashPoints: result.crashPoints,
    },
    classes: BYTE_CLASS_NAMES,
    steps: result.steps.map((s) => ({ d: s.description, s: s.startOp, e: s.endOp, err: s.error })),
    ops,
    blobs: table.blobs,
    frames: table.frames,
    states,
    violations: result.violations.map((v) => `${v.property}: ${v.message}${v.counterexample === '' ? '' : `\n${v.counterexample}`}`),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function pageHtml(data: PageData, verdictOk: boolean, verdictText: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(data.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(data.title)}</h1>
  <p class="verdict ${verdictOk ? 'ok' : 'bad'}" id="verdict">${escapeHtml(verdictText)}</p>
  <p class="knobs">fault model: ${escapeHtml(data.knobs)}. Keys: <kbd>j</kbd>/<kbd>↓</kbd> next crash state, <kbd>k</kbd>/<kbd>↑</kbd> previous, <kbd>Home</kbd>/<kbd>End</kbd>, <kbd>v</kbd> next violation.</p>
  <ul class="legend" id="legend"></ul>
</header>
<main>
  <section class="ops" aria-labelledby="ops-title"><h2 id="ops-title">Operations</h2><ol id="ops"></ol></section>
  <section class="states" aria-labelledby="states-title"><h2 id="states-title">Crash states</h2><ul id="states" role="listbox" aria-labelledby="states-title" tabindex="0"></ul></section>
  <section class="detail" aria-live="polite" id="detail"></section>
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** One crash state of `walref crash-test`, as its report shows it. */
export interface CheckedStateView {
  /** The op-log index (the call) the crash happened after. */
  readonly op: number;
  readonly files: readonly CrashFileDetail[];
  readonly survival: string;
  readonly ids: readonly string[];
  readonly ok: boolean;
  readonly reason: string;
}

export interface CrashTestPage {
  readonly title: string;
  readonly knobs: string;
  readonly crashPoints: number;
  readonly exhaustive: boolean;
  readonly violationCount: number;
  /** Call descriptions by op-log index. */
  readonly calls: readonly string[];
  readonly states: readonly CheckedStateView[];
  readonly violations: readonly string[];
}

/**
 * The page of a `walref crash-test` run: the same page and script as explore's, listing the
 * program's calls as operations and the checker's verdict on each crash state.
 */
export function renderCrashTestPage(page: CrashTestPage): string {
  const table = new BlobTable();
  const ops: Record<number, string> = {};
  page.calls.forEach((call, i) => {
    if (i > 0 && !call.startsWith('ACK ')) ops[i] = call;
  });
  const states = [...page.states]
    .sort((a, b) => a.op - b.op)
    .map((state) => ({
      op: state.op,
      step: null,
      f: table.files(state.files),
      survival: state.survival,
      ack: state.ids.length,
      exp: [],
      rec: null,
      err: null,
      v: state.ok ? [] : ['check'],
      chk: { ids: state.ids, out: state.reason },
    }));
  const data: PageData = {
    title: page.title,
    knobs: page.knobs,
    summary: { crashStates: page.states.length, exhaustive: page.exhaustive, violations: page.violationCount, prefixes: 0, crashPoints: page.crashPoints },
    classes: BYTE_CLASS_NAMES,
    steps: [],
    ops,
    blobs: table.blobs,
    frames: table.frames,
    states,
    violations: page.violations,
    mode: 'crash-test',
  };
  const text = `${page.states.length} crash states at ${page.crashPoints} crash points, ${page.exhaustive ? 'exhaustive' : 'sampled'}, ${page.violationCount} violations`;
  return pageHtml(data, page.violationCount === 0, text);
}

/**
 * The whole page for an exploration of `workload`. Everything it needs is inline; it makes no
 * network request. It lists the crash states in `result.details`: run exploreWorkload with
 * REPORT_ALL_DETAILS to have all of them. (cli/explore.ts calls it for --html.)
 */
export function renderHtmlReport(result: ExploreResult, workload: Workload, options: ReportOptions = {}): string {
  const data = pageData(result, workload, options);
  const shown = result.details.length === result.crashStates ? '' : ` (${result.details.length} listed)`;
  const text = `${result.crashStates} crash states${shown} at ${result.crashPoints} crash points, ${result.exhaustive ? 'exhaustive' : 'sampled'}, ${result.distinctRecoveredPrefixes} distinct recovered prefixes, ${result.violationCount} violations`;
  return pageHtml(data, result.violationCount === 0, text);
}
