// Reading strace's output: one system call per line, as `strace -f -y -qq -s <big>
// --strings-in-hex=non-ascii-chars -o <file>` writes it (strace 5.x and 6.x). Pure: text in, data
// out, a line at a time (TraceParser): a trace can be hundreds of megabytes of hex, and is never
// held whole.
//
// A line is `<pid> <name>(<args>) = <return>`, where
//   - every fd argument carries its path after -y: `3</data/000001.log>`, `AT_FDCWD</work>`;
//   - strings are C-escaped, non-ASCII bytes as \xNN; a string cut at -s ends with `"...`;
//   - a call that blocks while another thread runs is split in two lines,
//     `<pid> write(3</x>, "ab", 2 <unfinished ...>` and later `<pid> <... write resumed>) = 2`;
//     the two halves are joined here and the call takes the place of its second half (the moment
//     it returned), except a write to the workload's standard output, which takes the place of its
//     first half: a reader may see an acknowledgement as soon as the write starts. The first
//     half of a clone, clone3, fork or vfork is passed on as well, marked `started`: a process
//     strace shows before such a call returns is a child of one still in it (a vfork's child
//     always is, since its parent waits for it to exec or exit).
//   - `--- SIGCHLD ... ---` and `+++ exited ... +++` lines carry no system call and are skipped.
// Lines that fit none of these are kept as `unparsed`, so that a report can name them.

import { splitArgs } from './strace-args.js';

export interface Syscall {
  /** The 1-based line of the trace file where the call completed (or started, see above). */
  readonly line: number;
  readonly pid: number;
  readonly name: string;
  /** The top-level arguments, as strace printed them. */
  readonly args: readonly string[];
  /** The numeric return value; null when strace printed `?` or the call never returned. */
  readonly ret: number | null;
  /** The errno name when the call failed (`-1 ENOENT (...)`). */
  readonly errno: string | null;
  /** The -y path after a returned fd (`= 3</data/x>`). */
  readonly retPath: string | null;
  /** The text after the return value: `(flags O_RDWR)`, `{parent_tid=[42]}`, ... */
  readonly retExtra: string;
  /** Only on the first half of a clone-family call still running (see the header); the whole call follows when it returns. */
  readonly started?: true;
}

/** The calls that make a process or thread: the child may run (and be traced) before they return. */
export const CLONE_CALLS: ReadonlySet<string> = new Set(['clone', 'clone3', 'fork', 'vfork']);

export interface ParsedTrace {
  readonly calls: readonly Syscall[];
  readonly unparsed: readonly { readonly line: number; readonly text: string }[];
}

const LINE = /^(\d+)\s+(.*)$/s;

function parseReturn(text: string): Pick<Syscall, 'ret' | 'errno' | 'retPath' | 'retExtra'> | null {
  // The hex form first: tried after the decimal one, `0x7f00` would read as 0 followed by text.
  const m = /^\s*=\s*(\?|0x[0-9a-f]+|-?\d+)(?:<(.*?)>)?(?:\s+([A-Z][A-Z0-9_]+)\s+\([^)]*\))?(.*)$/is.exec(text);
  if (m === null) return null;
  const raw = m[1] ?? '?';
  // Number reads the hex form (`0x7f00`) as well as the decimal one.
  const ret = raw === '?' ? null : Number(raw);
  return { ret, errno: m[3] ?? null, retPath: m[2] ?? null, retExtra: (m[4] ?? '').trim() };
}

/** One complete call's text `name(args) = ret`. */
function parseCallText(line: number, pid: number, text: string): Syscall | null {
  const m = /^([a-z_0-9?]+)\(/.exec(text);
  if (m === null) return null;
  const name = m[1] ?? '';
  const inner = text.slice(name.length + 1);
  const { args, end } = splitArgs(inner);
  const ret = parseReturn(inner.slice(end + 1));
  if (ret === null) return null;
  return { line, pid, name, args, ...ret };
}

export interface ParseOptions {
  /** The workload's standard output file: a write to it is placed where it started. */
  readonly stdoutPath: string | null;
}

/** Unreadable lines kept for a report (all are counted). */
const UNPARSED_KEPT = 100;

/**
 * strace's lines one at a time, in order; each complete call goes to `onCall` where it took place
 * (see the header for unfinished calls). Holds only the first halves of unfinished calls.
 */
export class TraceParser {
  readonly #options: ParseOptions;
  readonly #onCall: (call: Syscall) => void;
  /** The first half of each unfinished call, by pid. */
  readonly #pending = new Map<number, { name: string; text: string; line: number; early: boolean }>();
  readonly unparsed: { readonly line: number; readonly text: string }[] = [];
  unparsedCount = 0;
  lines = 0;

  constructor(options: ParseOptions, onCall: (call: Syscall) => void) {
    this.#options = options;
    this.#onCall = onCall;
  }

  #unreadable(line: number, text: string): void {
    this.unparsedCount++;
    if (this.unparsed.length < UNPARSED_KEPT) this.unparsed.push({ line, text: text.slice(0, 500) });
  }

  /** One line of the trace (without its newline); lines are numbered from 1 as they come. */
  line(raw: string): void {
    const lineNo = ++this.lines;
    if (raw.trim() === '') return;
    const m = LINE.exec(raw);
    if (m === null) return this.#unreadable(lineNo, raw);
    const pid = Number(m[1]);
    // LINE's `\s+` took every blank after the pid, so the body starts with the call or marker.
    const body = m[2] ?? '';
    if (body.startsWith('---') || body.startsWith('+++')) return;
    const unfinished = /\s*<unfinished \.\.\.>\s*$/.exec(body);
    if (unfinished !== null) return this.#unfinished(lineNo, pid, body.slice(0, unfinished.index), raw);
    const resumed = /^<\.\.\. ([a-z_0-9?]+) resumed>(.*)$/s.exec(body);
    if (resumed !== null) {
      const first = this.#pending.get(pid);
      this.#pending.delete(pid);
      if (first === undefined || first.name !== resumed[1]) return this.#unreadable(lineNo, raw);
      if (first.early) return;
      const call = parseCallText(lineNo, pid, `${first.text}${resumed[2] ?? ''}`);
      if (call === null) this.#unreadable(lineNo, raw);
      else this.#onCall(call);
      return;
    }
    const call = parseCallText(lineNo, pid, body);
    if (call === null) this.#unreadable(lineNo, raw);
    else this.#onCall(call);
  }

  #unfinished(lineNo: number, pid: number, head: string, raw: string): void {
    const name = /^([a-z_0-9?]+)\(/.exec(head)?.[1];
    // A first half that names no call is unreadable now: no resumption could complete it.
    if (name === undefined) return this.#unreadable(lineNo, raw);
    const early = this.#options.stdoutPath !== null && /^write/.test(name) && head.includes(`<${this.#options.stdoutPath}>`);
    if (early || CLONE_CALLS.has(name)) {
      // All of a call's arguments are printed before it blocks; its return comes later.
      const call = parseCallText(lineNo, pid, `${head}) = ?`);
      if (call !== null) this.#onCall(early ? call : { ...call, started: true });
    }
    this.#pending.set(pid, { name, text: head, line: lineNo, early });
  }

  /** The end of the trace: a call still unfinished never returned (the process was killed in it). */
  finish(): void {
    for (const [pid, first] of this.#pending) {
      if (first.early) continue;
      const call = parseCallText(first.line, pid, `${first.text}) = ?`);
      if (call !== null) this.#onCall(call);
    }
    this.#pending.clear();
  }
}

/** Parses a whole trace held in memory (tests, small traces). */
export function parseTrace(text: string, options: ParseOptions): ParsedTrace {
  const calls: Syscall[] = [];
  const parser = new TraceParser(options, (call) => calls.push(call));
  for (const line of text.split('\n')) parser.line(line);
  parser.finish();
  return { calls, unparsed: parser.unparsed };
}
