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
//     first half: a reader may see an acknowledgement as soon as the write starts.
//   - `--- SIGCHLD ... ---` and `+++ exited ... +++` lines carry no system call and are skipped.
// Lines that fit none of these are kept as `unparsed`, so that a report can name them.

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
}

export interface ParsedTrace {
  readonly calls: readonly Syscall[];
  readonly unparsed: readonly { readonly line: number; readonly text: string }[];
}

/** Splits the text inside a call's parentheses into its top-level arguments. */
export function splitArgs(text: string): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  let at = 0;
  for (; at < text.length; at++) {
    const c = text[at];
    if (c === '"') {
      at = skipString(text, at);
      continue;
    }
    if (c === '<' && at > 0 && /[0-9D\]]/.test(text[at - 1] ?? '')) {
      at = skipAnnotation(text, at);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(text.slice(start, at).trim());
      start = at + 1;
    }
  }
  const last = text.slice(start, at).trim();
  if (last !== '' || args.length > 0) args.push(last);
  return { args, end: at };
}

/** The index of the closing quote of the string opening at `at`. */
function skipString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i;
    else i++;
  }
  return text.length;
}

/** The index of the `>` closing a -y path annotation opening at `at`. */
function skipAnnotation(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] !== '>') continue;
    const next = text[i + 1];
    // `>(deleted)` follows the path of a file unlinked while open.
    if (next === undefined || next === ',' || next === ')' || next === ' ' || next === ']' || next === '}' || text.startsWith('(deleted)', i + 1)) return i;
  }
  return text.length;
}

const ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27, '"': 34, '\\': 92, "'": 39, '?': 63 };

const HEX: readonly number[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return /[0-9a-fA-F]/.test(ch) ? parseInt(ch, 16) : -1;
});

/** Decodes one strace string argument (`"ab\x00"` or `"ab"...`) to its bytes. */
export function decodeString(raw: string): { bytes: Uint8Array; truncated: boolean } | null {
  const text = raw.trim();
  if (!text.startsWith('"')) return null;
  const close = skipString(text, 0);
  if (close >= text.length) return null;
  const truncated = text.slice(close + 1).startsWith('...');
  // Every character gives at most one byte unless it is not ASCII (strace escapes those in hex).
  const ascii = !/[^\x00-\x7f]/.test(text.slice(0, close));
  const out = ascii ? new Uint8Array(close) : null;
  const slow: number[] = [];
  let length = 0;
  const push = (b: number): void => {
    if (out === null) slow.push(b);
    else out[length++] = b;
  };
  for (let i = 1; i < close; i++) {
    const code = text.charCodeAt(i);
    if (code !== 92) {
      if (code < 0x80) push(code);
      else for (const b of new TextEncoder().encode(text[i] ?? '')) push(b);
      continue;
    }
    const n = text[i + 1] ?? '';
    if (n === 'x') {
      push(((HEX[text.charCodeAt(i + 2)] ?? 0) << 4) | (HEX[text.charCodeAt(i + 3)] ?? 0));
      i += 3;
    } else if (n >= '0' && n <= '7') {
      const digits = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0] ?? '0';
      push(parseInt(digits, 8) & 0xff);
      i += digits.length;
    } else {
      push(ESCAPES[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return { bytes: out === null ? Uint8Array.from(slow) : out.subarray(0, length), truncated };
}

/** An fd argument: `3</path>`, `3`, `AT_FDCWD</cwd>` or `AT_FDCWD`. */
export function parseFd(raw: string): { fd: number | 'AT_FDCWD'; path: string | null } | null {
  const m = /^(-?\d+|AT_FDCWD)(?:<(.*)>)?(?:\(deleted\))?$/s.exec(raw.trim());
  if (m === null) return null;
  const fd = m[1] === 'AT_FDCWD' ? 'AT_FDCWD' : Number(m[1]);
  return { fd, path: m[2] ?? null };
}

/**
 * The `index`-th argument of a call as strace printed it, or '' when it printed fewer: every
 * reader of an argument then sees text it does not recognise, and treats the call as unknown.
 */
export function argAt(call: Pick<Syscall, 'args'>, index: number): string {
  return call.args[index] ?? '';
}

/** A number argument in decimal, hex or octal notation, or null. */
export function parseNumber(raw: string): number | null {
  const text = raw.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text, 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  return null;
}

/** The `|`-separated flag names of an argument like `O_WRONLY|O_CREAT|O_TRUNC`. */
export function flagSet(raw: string): Set<string> {
  return new Set(raw.split('|').map((f) => f.trim()));
}

/** The iov_base strings of a writev-style array: `[{iov_base="ab", iov_len=2}, ...]`. */
export function decodeIovecs(raw: string): { bytes: Uint8Array; truncated: boolean } | null {
  const parts: Uint8Array[] = [];
  let truncated = false;
  const re = /iov_base=("(?:[^"\\]|\\.)*"(?:\.\.\.)?)/g;
  for (const m of raw.matchAll(re)) {
    const decoded = decodeString(m[1] ?? '');
    if (decoded === null) return null;
    parts.push(decoded.bytes);
    truncated ||= decoded.truncated;
  }
  if (!raw.trim().startsWith('[')) return null;
  // strace prints "..." after the last element when it did not print them all.
  if (/\.\.\.\s*\]$/.test(raw.trim()) && !/"\.\.\.\s*\}\s*\]$/.test(raw.trim())) truncated = true;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, truncated };
}

const LINE = /^(\d+)\s+(.*)$/s;

function parseReturn(text: string): Pick<Syscall, 'ret' | 'errno' | 'retPath' | 'retExtra'> | null {
  const m = /^\s*=\s*(\?|-?\d+|0x[0-9a-f]+)(?:<(.*?)>)?(?:\s+([A-Z][A-Z0-9_]+)\s+\([^)]*\))?(.*)$/is.exec(text);
  if (m === null) return null;
  const raw = m[1] ?? '?';
  const ret = raw === '?' ? null : raw.startsWith('0x') ? parseInt(raw, 16) : Number(raw);
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
    const body = (m[2] ?? '').trimStart();
    if (body.startsWith('---') || body.startsWith('+++')) return;
    const unfinished = /\s*<unfinished \.\.\.>\s*$/.exec(body);
    if (unfinished !== null) return this.#unfinished(lineNo, pid, body.slice(0, unfinished.index));
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

  #unfinished(lineNo: number, pid: number, head: string): void {
    const name = /^([a-z_0-9?]+)\(/.exec(head)?.[1] ?? '';
    const early = this.#options.stdoutPath !== null && /^write/.test(name) && head.includes(`<${this.#options.stdoutPath}>`);
    if (early) {
      // All of a write's arguments are printed before it blocks; its return comes later.
      const call = parseCallText(lineNo, pid, `${head}) = ?`);
      if (call !== null) this.#onCall(call);
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
