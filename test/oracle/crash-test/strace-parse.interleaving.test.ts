// strace's text back to the calls that made it, for any bytes and any interleaving of threads:
//   - a string argument, quoted either way strace quotes it (octal escapes with the fewest digits
//     unless an octal digit follows, as strace does by default; \xNN for every non-printable byte,
//     as --strings-in-hex=non-ascii-chars does), decodes to exactly the bytes written;
//   - threads whose calls block are split by strace into `<unfinished ...>` and
//     `<... name resumed>` lines with other threads' calls between; every call comes back whole,
//     with its own pid, arguments and return value, in the order the calls returned, except a write
//     to the workload's standard output, which comes where it started (an ack is seen from then).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIovecs, decodeString } from '../../../oracle/crash-test/strace-args.js';
import { parseTrace } from '../../../oracle/crash-test/strace-parse.js';

const NAMED: Readonly<Record<number, string>> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 34: '"', 92: '\\' };

/** Bytes quoted as strace prints them: `octal` is strace's default, `hex` is --strings-in-hex=non-ascii-chars. */
function quote(bytes: Uint8Array, style: 'octal' | 'hex'): string {
  let out = '"';
  bytes.forEach((b, i) => {
    const named = NAMED[b];
    if (named !== undefined && (style === 'octal' || b === 34 || b === 92 || b === 9 || b === 10)) out += `\\${named}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (style === 'hex') out += `\\x${b.toString(16).padStart(2, '0')}`;
    else {
      const next = bytes[i + 1];
      const digitFollows = next !== undefined && next >= 0x30 && next <= 0x37;
      out += `\\${digitFollows ? b.toString(8).padStart(3, '0') : b.toString(8)}`;
    }
  });
  return `${out}"`;
}

/** Bytes biased towards the hard cases: NULs and control bytes followed by digits, quotes, backslashes. */
const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 7, 8, 0x30, 0x31, 0x37, 0x38, 0x22, 0x5c, 0x0a, 0xff)), { maxLength: 40 }).map((a) => Uint8Array.from(a));

describe('string arguments decode to the bytes written', () => {
  it('for any bytes, quoted in octal or in hex', () => {
    fc.assert(
      fc.property(bytes, fc.constantFrom('octal' as const, 'hex' as const), (data, style) => {
        const text = quote(data, style);
        expect([...(decodeString(text)?.bytes ?? [])], text).toEqual([...data]);
        expect(decodeString(`${text}...`)?.truncated).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('for any iovec array, the concatenation of its buffers', () => {
    fc.assert(
      fc.property(fc.array(bytes, { minLength: 1, maxLength: 4 }), fc.constantFrom('octal' as const, 'hex' as const), (parts, style) => {
        const text = `[${parts.map((p) => `{iov_base=${quote(p, style)}, iov_len=${p.length}}`).join(', ')}]`;
        expect([...(decodeIovecs(text)?.bytes ?? [])], text).toEqual(parts.flatMap((p) => [...p]));
      }),
      { numRuns: 200 },
    );
  });
});

/** One call of one thread as strace prints it, whole or in two halves (`head` before the block, `tail` after). */
interface Call {
  readonly pid: number;
  readonly name: string;
  readonly head: string;
  readonly tail: string;
  readonly args: readonly string[];
  readonly ret: number;
  readonly stdout: boolean;
}

function callOf(pid: number, kind: number, n: number): Call {
  const data = `${pid}.${n}`;
  switch (kind % 5) {
    case 0:
      return { pid, name: 'write', head: `write(3</d/f${pid}>, "${data}", ${data.length}`, tail: `) = ${data.length}`, args: [`3</d/f${pid}>`, `"${data}"`, String(data.length)], ret: data.length, stdout: false };
    case 1:
      return { pid, name: 'pwrite64', head: `pwrite64(3</d/f${pid}>, "${data}", ${data.length}, ${n}`, tail: `) = ${data.length}`, args: [`3</d/f${pid}>`, `"${data}"`, String(data.length), String(n)], ret: data.length, stdout: false };
    case 2:
      return { pid, name: 'fsync', head: `fsync(3</d/f${pid}>`, tail: ') = 0', args: [`3</d/f${pid}>`], ret: 0, stdout: false };
    case 3:
      // A read's buffer is printed after it returns: the split comes between the arguments.
      return { pid, name: 'read', head: `read(4</d/g${pid}>, `, tail: `"${data}", 64) = ${data.length}`, args: [`4</d/g${pid}>`, `"${data}"`, '64'], ret: data.length, stdout: false };
    default:
      return { pid, name: 'write', head: `write(1</t/out>, "ACK ${data}\\n", ${data.length + 5}`, tail: `) = ${data.length + 5}`, args: ['1</t/out>', `"ACK ${data}\\n"`, String(data.length + 5)], ret: data.length + 5, stdout: true };
  }
}

/** A line of the trace: a whole call, or one half of a split one. */
interface Event {
  readonly call: Call;
  readonly line: string;
  readonly at: 'whole' | 'start' | 'end';
}

/** Per thread, its calls (kind, split or not); then the order threads take turns in. */
const schedule = fc.record({
  threads: fc.array(fc.array(fc.record({ kind: fc.nat(4), split: fc.boolean() }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  turns: fc.array(fc.nat(3), { maxLength: 60 }),
});

describe('calls split by other threads come back whole, each in its place', () => {
  it('for any threads and any interleaving of their calls', () => {
    fc.assert(
      fc.property(schedule, ({ threads, turns }) => {
        // Every thread's events: a whole line, or its first half then its second half.
        const events = threads.map((calls, t) => calls.flatMap(({ kind, split }, n): Event[] => {
          const call = callOf(100 + t, kind, n);
          return split ? [{ call, line: `${call.pid}  ${call.head} <unfinished ...>`, at: 'start' as const }, { call, line: `${call.pid}  <... ${call.name} resumed>${call.tail}`, at: 'end' as const }] : [{ call, line: `${call.pid}  ${call.head}${call.tail}`, at: 'whole' as const }];
        }));
        const lines: string[] = [];
        const expected: { pid: number; name: string; args: readonly string[]; ret: number | null }[] = [];
        const take = (t: number): void => {
          const event = events[t]?.shift();
          if (event === undefined) return;
          lines.push(event.line);
          const { pid, name, args, ret } = event.call;
          // A write to stdout split by another thread is placed at its start, before its return is known.
          if (event.at === 'whole' || (event.at === 'start') === event.call.stdout) expected.push({ pid, name, args, ret: event.at === 'start' ? null : ret });
        };
        for (const turn of turns) take(turn % events.length);
        events.forEach((_, t) => {
          while ((events[t]?.length ?? 0) > 0) take(t);
        });
        const { calls, unparsed } = parseTrace(lines.join('\n'), { stdoutPath: '/t/out' });
        expect(unparsed).toEqual([]);
        expect(calls.map((c) => ({ pid: c.pid, name: c.name, args: c.args, ret: c.ret })), lines.join('\n')).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
