// Reading one strace argument: the top-level split of a call's argument text, strings with C
// escapes and \xNN bytes (and the `...` strace prints after a string cut at -s), fd arguments
// with their -y path, numbers in any notation, flag sets, and writev-style iovec arrays. Pure:
// text in, data out. strace-parse.ts reads whole lines with these.

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

const UTF8 = new TextEncoder();

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
      else {
        // A character beyond ASCII, printed as it is: its UTF-8 bytes. One outside the BMP is two
        // UTF-16 units here, a surrogate pair, and must be encoded whole (each half alone is U+FFFD).
        const point = text.codePointAt(i) ?? code;
        for (const b of UTF8.encode(String.fromCodePoint(point))) push(b);
        if (point > 0xffff) i++;
      }
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
export function argAt(call: { readonly args: readonly string[] }, index: number): string {
  return call.args[index] ?? '';
}

/**
 * A number argument in C's notation, as strace prints numbers: decimal (`12`, `-1`), hex (`0x1f`)
 * or octal with a leading zero (`0644`, as it prints modes); null for anything else, a decimal
 * with a leading zero included (`089` is no C number, and guessing its base could misplace a write).
 */
export function parseNumber(raw: string): number | null {
  const text = raw.trim();
  if (/^-?(?:0|[1-9]\d*)$/.test(text)) return Number(text);
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
  const text = raw.trim();
  if (!text.startsWith('[')) return null;
  const re = /iov_base=("(?:[^"\\]|\\.)*"(?:\.\.\.)?)/g;
  for (const m of text.matchAll(re)) {
    const decoded = decodeString(m[1] ?? '');
    if (decoded === null) return null;
    parts.push(decoded.bytes);
    truncated ||= decoded.truncated;
  }
  // strace prints "..." after the last element when it did not print them all (a string's own
  // cut is followed by its `, iov_len=` and a `}`, so it never ends the array).
  if (/\.\.\.\s*\]$/.test(text)) truncated = true;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, truncated };
}
