// src/core/replay-scan.ts: the scan behind a torn spot checksums at most its budget of body bytes.
// Once the budget is spent it looks at nothing more, in that push or any later one: no frame
// found, no debris claimed past the frame it stopped at.
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
});
