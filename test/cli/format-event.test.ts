// cli/format-event.ts: how one event is shown, as quoted UTF-8 text or as hex.
import { describe, expect, it } from 'vitest';
import { printableUtf8, renderEvent, toHex } from '../../cli/format-event.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('event rendering', () => {
  it('printable UTF-8 is shown as quoted text with JSON escapes', () => {
    expect(renderEvent(utf8('hello'))).toBe('"hello"');
    expect(renderEvent(utf8('a "b"\nc'))).toBe('"a \\"b\\"\\nc"');
    expect(renderEvent(utf8('grüße ✓'))).toBe('"grüße ✓"');
    expect(renderEvent(new Uint8Array(0))).toBe('""');
  });

  it('invalid UTF-8 and control characters are shown as hex', () => {
    expect(printableUtf8(Uint8Array.of(0xff, 0xfe))).toBeNull();
    expect(renderEvent(Uint8Array.of(0xff, 0x00, 0x10))).toBe('0xff0010');
    expect(renderEvent(utf8('bell\u0007'))).toBe(`0x${toHex(utf8('bell\u0007'))}`);
    expect(renderEvent(Uint8Array.of(0x41, 0x00))).toBe('0x4100');
  });
});
