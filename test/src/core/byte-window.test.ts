// src/core/byte-window.ts: the window the replay scanners read chunks into keeps its bytes, grows
// only when the new ones do not fit, and then at least doubles (so that appending n chunks copies
// O(n) bytes, not O(n^2)).
import { describe, expect, it } from 'vitest';
import { appendToWindow } from '../../../src/core/byte-window.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('appendToWindow', () => {
  it('writes in place when the bytes fit exactly, and keeps the window', () => {
    const window = new Uint8Array(10);
    const out = appendToWindow(window, 6, bytes(4, 7));
    expect(out).toBe(window);
    expect([...out.subarray(6)]).toEqual([7, 7, 7, 7]);
  });

  it('grows to at least twice its size, and at least 4 KiB, keeping the used bytes and dropping the rest', () => {
    const window = new Uint8Array(8192).fill(1);
    const grown = appendToWindow(window, 8000, bytes(200, 2));
    expect(grown).not.toBe(window);
    expect(grown.length).toBe(16384);
    expect(grown.subarray(0, 8000).every((b) => b === 1)).toBe(true);
    expect(grown.subarray(8000, 8200).every((b) => b === 2)).toBe(true);
    expect(grown.subarray(8200).every((b) => b === 0)).toBe(true);
    expect(appendToWindow(new Uint8Array(0), 0, bytes(3, 5)).length).toBe(4096);
    // More than double: exactly what is needed.
    expect(appendToWindow(new Uint8Array(4096), 4096, bytes(10_000, 3)).length).toBe(14_096);
  });
});
