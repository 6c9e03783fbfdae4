// src/core/replay-resync.ts: after damage, skip-corrupted looks for the next live frame. A frame
// that the pushed bytes hold only in part is waited for, not skipped: found whole at its own
// offset once the rest of it comes, however the bytes are cut into chunks.
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import { ReplayResync } from '../../../src/core/replay-resync.js';

const SALT = 0x5a17_0001;
const garbage = new Uint8Array(16).fill(0xab);
const frame = encodeFrame({ kind: 'MutationBatch', lsn: 7, txBeginLsn: 5, events: [new TextEncoder().encode('after the damage')] }, SALT);
const bytes = new Uint8Array([...garbage, ...frame]);

describe('ReplayResync', () => {
  it('finds a frame split across two pushes at its own offset, whatever the split', () => {
    for (let cut = 1; cut < frame.length; cut++) {
      const resync = new ReplayResync(1000, SALT);
      expect(resync.push(frame.subarray(0, cut)), `cut at ${cut}`).toEqual({ found: false });
      const found = resync.push(frame.subarray(cut));
      expect(found, `cut at ${cut}`).toMatchObject({ found: true, offsetBytes: 1000 });
      if (found.found) expect([...found.rest], `cut at ${cut}`).toEqual([...frame]);
    }
  });

  it('finds the frame after damaged bytes at its own offset, pushed whole or a byte at a time', () => {
    for (const chunkBytes of [bytes.length, 1]) {
      const resync = new ReplayResync(1000, SALT);
      let found = resync.push(new Uint8Array(0));
      for (let at = 0; at < bytes.length && !found.found; at += chunkBytes) found = resync.push(bytes.subarray(at, at + chunkBytes));
      // A candidate before the frame whose length runs past the bytes pushed is waited for until the segment ends.
      if (!found.found) found = resync.finish();
      expect(found, `chunks of ${chunkBytes}`).toMatchObject({ found: true, offsetBytes: 1000 + garbage.length });
    }
  });

  it('never takes a frame under another salt (an earlier life of the file) for a live one', () => {
    const resync = new ReplayResync(0, SALT + 1);
    expect(resync.push(bytes)).toEqual({ found: false });
    expect(resync.finish()).toEqual({ found: false });
  });

  it('checksums at most its budget of body bytes, then skips the rest of the segment', () => {
    // A candidate under the right salt with a bad checksum, then the live frame.
    const spoiled = frame.slice();
    spoiled[spoiled.length - 1]! ^= 0xff;
    const both = new Uint8Array([...spoiled, ...frame]);
    const bodyBytes = new DataView(frame.buffer, frame.byteOffset).getUint32(0, true);
    const run = (budget: number) => {
      const resync = new ReplayResync(0, SALT, budget);
      const pushed = resync.push(both);
      return pushed.found ? pushed : resync.finish();
    };
    expect(run(Number.MAX_SAFE_INTEGER)).toMatchObject({ found: true, offsetBytes: frame.length });
    // The spoiled candidate spends the whole budget: nothing after it is looked at.
    expect(run(bodyBytes)).toEqual({ found: false });
    // A spent budget looks at nothing, not even a live frame right at the start.
    const spent = new ReplayResync(0, SALT, 0);
    expect(spent.push(frame)).toEqual({ found: false });
    expect(spent.finish()).toEqual({ found: false });
  });
});
