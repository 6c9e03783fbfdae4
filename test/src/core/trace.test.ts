// traceText (src/core/trace.ts): how a trace line carries an event, the host's opaque bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceText } from '../../../src/core/trace.js';

describe('traceText', () => {
  it('decodes an event that is UTF-8 to the same text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => traceText(new TextEncoder().encode(text)) === text));
  });

  it('never throws on bytes that are not UTF-8: each bad sequence reads as U+FFFD', () => {
    expect(traceText(Uint8Array.of(0x61, 0xff, 0x62))).toBe('a\uFFFDb');
    expect(traceText(Uint8Array.of(0xc3))).toBe('\uFFFD');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => typeof traceText(bytes) === 'string'));
  });
});
