// src/core/replay-scan.ts: the scan behind a torn spot checksums at most its budget of body bytes.
// Once the budget is spent it looks at nothing more, in that push or any later one: no frame
// found, no debris claimed past the frame it stopped at.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import { ReplayScan } from '../../../src/core/replay-scan.js';

const SALT = 0x5a17_0002;
const frameAt = (lsn: number): Uint8Array => encodeFrame({ kind: 'MutationBatch', lsn, txBeginLsn: 1, events: [new TextEncoder().encode(`event ${lsn}`)] }, SALT);

describe('ReplayScan', () => {
  it('finds every whole frame of its life within an ample budget', () => {
    const scan = new ReplayScan(SALT, 0);
    scan.push(frameAt(5));
    scan.push(frameAt(6));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn, exhausted: scan.budgetExhausted }).toEqual({ frames: 2, maxLsn: 6, exhausted: false });
  });

  it('stops at its budget: the frame that would overspend it is not checked, and later pushes are not looked at', () => {
    const first = frameAt(5);
    const bodyBytes = new DataView(first.buffer, first.byteOffset).getUint32(0, true);
    const scan = new ReplayScan(SALT, 0, bodyBytes);
    scan.push(first);
    expect(scan.framesFound).toBe(1);
    scan.push(frameAt(6));
    const after = { frames: scan.framesFound, maxLsn: scan.maxLsn, debrisEnd: scan.debrisEndBytes, exhausted: scan.budgetExhausted };
    // The frame it could not check still carries the salt and a plausible length: its span is debris.
    expect(after).toEqual({ frames: 1, maxLsn: 5, debrisEnd: 2 * first.length, exhausted: true });
    scan.push(frameAt(7));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn, debrisEnd: scan.debrisEndBytes, exhausted: scan.budgetExhausted }).toEqual(after);
  });

  it('finds every whole live frame behind zeros and garbage, however the bytes are split into pushes', () => {
    const layoutArb = fc.array(fc.record({ zeros: fc.nat({ max: 12 }), garbage: fc.uint8Array({ maxLength: 6 }), lsn: fc.integer({ min: 1, max: 1_000 }) }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(layoutArb, fc.array(fc.nat({ max: 40 }), { maxLength: 8 }), (layout, cuts) => {
        // Garbage never holds a plausible length here (its first byte is 0xff: above the maximum).
        const parts = layout.flatMap(({ zeros, garbage, lsn }) => [new Uint8Array(zeros), garbage.length > 0 ? Uint8Array.of(0xff, ...garbage) : garbage, frameAt(lsn)]);
        const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
        parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0);
        const scan = new ReplayScan(SALT, 0);
        let at = 0;
        for (const cut of cuts) {
          scan.push(bytes.subarray(at, Math.min(bytes.length, at + cut)));
          at = Math.min(bytes.length, at + cut);
        }
        scan.push(bytes.subarray(at));
        scan.finish();
        expect(scan.framesFound).toBe(layout.length);
        expect(scan.maxLsn).toBe(Math.max(...layout.map((l) => l.lsn)));
        expect(scan.lastFrameEndBytes).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a frame whose length has only its high byte set (a body of exactly 16 MiB) right behind zeros', () => {
    const sized = (eventBytes: number): Uint8Array => encodeFrame({ kind: 'MutationBatch', lsn: 9, txBeginLsn: 1, events: [new Uint8Array(eventBytes)] }, SALT);
    const probe = sized(0);
    const overhead = new DataView(probe.buffer, probe.byteOffset).getUint32(0, true);
    const frame = sized(2 ** 24 - overhead);
    expect([...frame.subarray(0, 4)]).toEqual([0, 0, 0, 1]);
    for (const zeros of [0, 1, 5, 8]) {
      const scan = new ReplayScan(SALT, 0);
      scan.push(new Uint8Array(zeros));
      scan.push(frame);
      scan.finish();
      expect({ zeros, frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ zeros, frames: 1, maxLsn: 9 });
    }
  });
});
