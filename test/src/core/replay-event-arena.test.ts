// The streaming replay's event copies (replay-event-arena.ts): each copy holds the event's bytes
// and shares no memory with the buffer it came from; events of at most 8 KiB sit side by side in
// 32 KiB slabs, larger ones get a buffer of their own. Which buffer a copy lives in is the
// arena's whole point (one allocation per slab, not per event), so the tests look at it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayEventArena } from '../../../src/core/replay-event-arena.js';

const SLAB_BYTES = 32 * 1024;
const event = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

describe('replay event arena', () => {
  it('copies hold the bytes of their events, whatever the source buffer does afterwards', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40_000 }), { maxLength: 30 }), (lengths) => {
        const arena = new ReplayEventArena();
        const source = new Uint8Array(40_000);
        const copies = lengths.map((length, i) => {
          source.fill(i % 251, 0, length);
          return arena.copy(source.subarray(0, length));
        });
        source.fill(255);
        copies.forEach((copy, i) => {
          expect(copy.length).toBe(lengths[i]);
          expect(copy.every((byte) => byte === i % 251)).toBe(true);
        });
      }),
    );
  });

  it('packs events of up to 8 KiB side by side in one 32 KiB slab, and starts a new slab only when the next one does not fit', () => {
    const arena = new ReplayEventArena();
    const first = arena.copy(event(8 * 1024, 1));
    const quarters = [first, arena.copy(event(8 * 1024, 2)), arena.copy(event(8 * 1024, 3)), arena.copy(event(8 * 1024, 4))];
    expect(new Set(quarters.map((copy) => copy.buffer)).size).toBe(1);
    expect(first.buffer.byteLength).toBe(SLAB_BYTES);
    expect(quarters.map((copy) => copy.byteOffset)).toEqual([0, 8192, 16_384, 24_576]);
    // The slab is exactly full: one more byte starts the next.
    const next = arena.copy(event(1, 5));
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
    expect(quarters.map((copy) => copy[0])).toEqual([1, 2, 3, 4]);
  });

  it('gives an event above 8 KiB a buffer of its own, and leaves the slab in use for the small ones after it', () => {
    const arena = new ReplayEventArena();
    const small = arena.copy(event(100, 1));
    const large = arena.copy(event(8 * 1024 + 1, 2));
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.buffer.byteLength).toBe(8 * 1024 + 1);
    const after = arena.copy(event(100, 3));
    expect(after.buffer).toBe(small.buffer);
    expect(after.byteOffset).toBe(100);
    expect(arena.copy(event(64 * 1024, 4)).length).toBe(64 * 1024);
  });
});
