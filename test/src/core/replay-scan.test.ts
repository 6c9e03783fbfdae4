// src/core/replay-scan.ts: the scan behind a torn spot checksums at most its budget of body bytes.
// Once the budget is spent it looks at nothing more, in that push or any later one: no frame
// found, no debris claimed past the frame it stopped at.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { encodeFrame, encodeFrameV1, rawPayloadOf } from '../../../src/core/codec.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, RecordKind, TAG_DEFLATED } from '../../../src/core/format.js';
import { ANY_SALT, ReplayScan } from '../../../src/core/replay-scan.js';

const SALT = 0x5a17_0002;
/** A batch frame (LSN 9) whose body is exactly `bodyBytes` long (one event of zeros fills it out). */
function frameWithBody(bodyBytes: number): Uint8Array {
  const sized = (eventBytes: number): Uint8Array => encodeFrame({ kind: 'MutationBatch', lsn: 9, txBeginLsn: 1, events: [new Uint8Array(eventBytes)] }, SALT);
  const probe = sized(0);
  return sized(bodyBytes - new DataView(probe.buffer, probe.byteOffset).getUint32(0, true));
}
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

  it("claims as debris the span of a damaged frame of its own life (this salt), and nothing for another life's or a header cut short", () => {
    const damaged = (frame: Uint8Array): Uint8Array => {
      const copy = frame.slice();
      copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff; // the body fails its checksum
      return copy;
    };
    const own = damaged(frameAt(5));
    const lead = new Uint8Array(7);
    // Behind 7 zeros: its span, from where it starts to where its length says it ends.
    const scan = new ReplayScan(SALT, 0);
    scan.push(new Uint8Array([...lead, ...own, ...new Uint8Array(8)]));
    scan.finish();
    expect({ frames: scan.framesFound, debrisEnd: scan.debrisEndBytes }).toEqual({ frames: 0, debrisEnd: lead.length + own.length });
    // The same frame under another salt (a stale life) is no debris of this one.
    const other = new DataView(own.buffer.slice(0));
    other.setUint32(8, SALT + 1, true);
    const stale = new ReplayScan(SALT, 0);
    stale.push(new Uint8Array(other.buffer));
    stale.finish();
    expect(stale.debrisEndBytes).toBe(0);
    // Split inside its 12-byte header, the salt is read once the header is whole.
    const split = new ReplayScan(SALT, 100);
    split.push(own.subarray(0, 10));
    expect(split.debrisEndBytes).toBe(0);
    split.push(own.subarray(10));
    split.finish();
    expect(split.debrisEndBytes).toBe(100 + own.length);
    // A v1 scan (salt 0) has no life to tell apart, nor has a scan for any salt (behind a damaged
    // header): neither claims debris.
    for (const salt of [0, ANY_SALT]) {
      const lifeless = new ReplayScan(salt, 0);
      lifeless.push(own);
      lifeless.finish();
      expect(lifeless.debrisEndBytes).toBe(0);
    }
    // A header cut inside its salt claims nothing, even when the bytes it has match (a salt whose
    // two high bytes are zeros: the missing ones would read as zeros).
    const lowSalt = 0x0102;
    const cut = damaged(encodeFrame({ kind: 'MutationBatch', lsn: 5, txBeginLsn: 1, events: [new TextEncoder().encode('event 5')] }, lowSalt));
    const partial = new ReplayScan(lowSalt, 0);
    partial.push(cut.subarray(0, 10));
    partial.finish();
    expect(partial.debrisEndBytes).toBe(0);
    // Only the 12-byte header is left at the end of the segment: its length still says where the
    // frame would have ended.
    const headerOnly = new ReplayScan(SALT, 0);
    headerOnly.push(own.subarray(0, 12));
    headerOnly.finish();
    expect(headerOnly.debrisEndBytes).toBe(own.length);
  });

  it('behind a damaged header (any salt) finds live v2 frames under the salt each carries', () => {
    const scan = new ReplayScan(ANY_SALT, 0);
    scan.push(new Uint8Array([...new Uint8Array(5), ...frameAt(7), ...frameAt(8)]));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ frames: 2, maxLsn: 8 });
  });

  it('finds a deflated v2 frame (its kind byte carries the flag) behind zeros', () => {
    const events = [new TextEncoder().encode('{"k":"' + 'd'.repeat(80) + '"}')];
    const raw = rawPayloadOf({ kind: 'MutationBatch', lsn: 11, txBeginLsn: 1, events });
    const deflated = encodeFrame({ kind: 'MutationBatch', lsn: 11, txBeginLsn: 1, events, stored: { deflated: new Uint8Array(deflateRawSync(raw)), rawBytes: raw.length } }, SALT);
    const scan = new ReplayScan(SALT, 0);
    scan.push(new Uint8Array([...new Uint8Array(9), ...deflated]));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ frames: 1, maxLsn: 11 });
  });

  it('moves one byte past a candidate that fails its checksum, so a live frame inside the span it claims is still found', () => {
    // A header claiming a 200-byte body, this salt, a plausible kind, and nothing behind it that
    // checks out: the live frame starts 13 bytes in, well inside the claimed span.
    const fake = new Uint8Array(13);
    const view = new DataView(fake.buffer);
    view.setUint32(0, 200, true);
    view.setUint32(4, 0xdead_beef, true);
    view.setUint32(8, SALT, true);
    fake[12] = frameAt(9)[12]!;
    const bytes = new Uint8Array([...fake, ...frameAt(9), ...new Uint8Array(256)]);
    const scan = new ReplayScan(SALT, 0);
    scan.push(bytes);
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ frames: 1, maxLsn: 9 });
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

  it('finds a frame whose length has only its high byte set (a body of exactly 16 MiB) right behind zeros, and one of the largest body', () => {
    const frame = frameWithBody(2 ** 24);
    expect([...frame.subarray(0, 4)]).toEqual([0, 0, 0, 1]);
    // The largest body a frame may have (FRAME_BODY_BYTES_MAX, inclusive) is a frame like any other.
    const largest = frameWithBody(FRAME_BODY_BYTES_MAX);
    const scan = new ReplayScan(SALT, 0);
    scan.push(largest);
    scan.finish();
    expect(scan.framesFound).toBe(1);
    for (const zeros of [0, 1, 5, 8]) {
      const scan = new ReplayScan(SALT, 0);
      scan.push(new Uint8Array(zeros));
      scan.push(frame);
      scan.finish();
      expect({ zeros, frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ zeros, frames: 1, maxLsn: 9 });
    }
  });

  it('keeps a frame whose length starts with a zero byte (a body of 256 bytes) when a push ends inside its length, behind zeros', () => {
    const frame = frameWithBody(256);
    expect([...frame.subarray(0, 4)]).toEqual([0, 1, 0, 0]);
    for (const zeros of [0, 3, 8, 13]) {
      for (let split = 1; split < 12; split++) {
        const bytes = new Uint8Array([...new Uint8Array(zeros), ...frame]);
        const scan = new ReplayScan(SALT, 0);
        scan.push(bytes.subarray(0, zeros + split));
        scan.push(bytes.subarray(zeros + split));
        scan.finish();
        expect({ zeros, split, frames: scan.framesFound, end: scan.lastFrameEndBytes }).toEqual({ zeros, split, frames: 1, end: bytes.length });
      }
    }
  });

  it('scans a segment whose salt is 1 for frames of its own life only (ANY_SALT is no salt a segment can have)', () => {
    const life = (salt: number, lsn: number): Uint8Array => encodeFrame({ kind: 'MutationBatch', lsn, txBeginLsn: 1, events: [new TextEncoder().encode('x')] }, salt);
    const scan = new ReplayScan(1, 0);
    scan.push(new Uint8Array([...life(2, 5), ...life(1, 6)]));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ frames: 1, maxLsn: 6 });
  });

  it('claims no debris for a header of its own salt whose length no frame can have (too short or too long)', () => {
    for (const bodyBytes of [0, FRAME_BODY_BYTES_MIN - 1, FRAME_BODY_BYTES_MAX + 1, 0xffff_ffff]) {
      const header = new DataView(new ArrayBuffer(12));
      header.setUint32(0, bodyBytes, true);
      header.setUint32(8, SALT, true);
      const scan = new ReplayScan(SALT, 0);
      scan.push(new Uint8Array([...new Uint8Array(header.buffer), ...new Uint8Array(64)]));
      scan.finish();
      expect({ bodyBytes, debrisEnd: scan.debrisEndBytes, frames: scan.framesFound }).toEqual({ bodyBytes, debrisEnd: 0, frames: 0 });
    }
  });

  it('spends none of its checksum budget on a candidate whose kind byte no frame has, so a live frame after it is still found', () => {
    const v2Frames = [encodeFrame({ kind: 'TxBegin', lsn: 5 }, SALT), encodeFrame({ kind: 'Checkpoint', lsn: 5, snapshotLsn: 4 }, SALT)];
    const v1Frames = [encodeFrameV1({ kind: 'TxBegin', lsn: 5 }), encodeFrameV1({ kind: 'Checkpoint', lsn: 5, snapshotLsn: 4 })];
    // Kinds just outside TxBegin..Checkpoint, one no frame has, a reserved bit (v2), the deflate flag (v2 only).
    const cases = [
      ...[0x00, 0x07, 0x0e, 0x10 | RecordKind.TxBegin].flatMap((tag) => v2Frames.map((frame) => ({ salt: SALT, header: 12, tag, frame }))),
      ...[0x00, 0x07, TAG_DEFLATED | RecordKind.TxBegin].flatMap((tag) => v1Frames.map((frame) => ({ salt: 0, header: 8, tag, frame }))),
    ];
    for (const { salt, header, tag, frame } of cases) {
      const budget = new DataView(frame.buffer, frame.byteOffset).getUint32(0, true);
      // A candidate with a plausible length above the budget, whole in the bytes, then the frame.
      const candidate = new Uint8Array(header + budget + 100);
      new DataView(candidate.buffer).setUint32(0, budget + 100, true);
      if (salt !== 0) new DataView(candidate.buffer).setUint32(8, salt, true);
      candidate[header] = tag;
      const scan = new ReplayScan(salt, 0, budget);
      scan.push(new Uint8Array([...candidate, ...frame]));
      scan.finish();
      expect({ salt, tag, kind: frame[header], frames: scan.framesFound, exhausted: scan.budgetExhausted }).toEqual({ salt, tag, kind: frame[header], frames: 1, exhausted: false });
    }
  });

  it('reports the highest LSN it found, not the last, when frames of other lives come out of order (any salt)', () => {
    const life = (salt: number, lsn: number): Uint8Array => encodeFrame({ kind: 'TxBegin', lsn }, salt);
    const scan = new ReplayScan(ANY_SALT, 0);
    scan.push(new Uint8Array([...life(SALT, 9), ...life(SALT + 1, 5)]));
    scan.finish();
    expect({ frames: scan.framesFound, maxLsn: scan.maxLsn }).toEqual({ frames: 2, maxLsn: 9 });
  });
});
