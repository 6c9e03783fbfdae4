// src/core/frame-arena.ts keeps states values while frames go straight into a shared arena: from
// any state, old or new, appending frames and taking writes (with or without an end marker) gives
// exactly the frames that state holds, in order, then the marker's zeros; and nothing done later,
// from that state or from any other, changes a byte of a write already taken or of another state's
// frames. Frames of every size, from a few bytes to more than the arena's first 64 KiB.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/core/codec.js';
import { appendFrame, emptyPending, pendingWrite, type PendingFrames } from '../../../src/core/frame-arena.js';
import type { WalRecord } from '../../../src/core/records.js';
import { concat } from './log-builder.js';

const salt = 5;

type Op = { readonly kind: 'append'; readonly from: number; readonly eventBytes: number } | { readonly kind: 'write'; readonly from: number; readonly markerBytes: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      from: fc.nat(),
      eventBytes: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 140_000 }) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('write' as const), from: fc.nat(), markerBytes: fc.integer({ min: 0, max: 12 }) }) },
);

/** Byte equality without vitest's element-by-element diff, which takes seconds on 100 KiB arrays. */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

describe('frame arena', () => {
  it('every state and every write taken holds exactly its own frames (and marker zeros), whatever is done later from any state', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        // Each state held, with the frames it should hold.
        const states: { pending: PendingFrames; frames: Uint8Array[] }[] = [{ pending: emptyPending(), frames: [] }];
        const writes: { data: Uint8Array; expected: Uint8Array }[] = [];
        let lsn = 1;
        for (const op of ops) {
          const from = states[op.from % states.length]!;
          if (op.kind === 'append') {
            const record: WalRecord = { kind: 'Mutation', lsn: lsn + 1, txBeginLsn: lsn, event: new Uint8Array(op.eventBytes).fill(lsn & 0xff) };
            lsn += 2;
            const frame = encodeFrame(record, salt);
            const out = appendFrame(from.pending, record, salt);
            expect(out.frameBytes).toBe(frame.length);
            states.push({ pending: out.pending, frames: [...from.frames, frame] });
          } else {
            const { data, next } = pendingWrite(from.pending, op.markerBytes);
            const expected = concat([...from.frames, new Uint8Array(op.markerBytes)]);
            expect(same(data, expected), `write of ${from.frames.length} frames, marker ${op.markerBytes}`).toBe(true);
            writes.push({ data, expected });
            states.push({ pending: next, frames: [] });
          }
          // Nothing taken before has changed.
          for (const [i, w] of writes.entries()) expect(same(w.data, w.expected), `write ${i}`).toBe(true);
          for (const [i, held] of states.entries()) expect(same(pendingWrite(held.pending, 0).data, concat(held.frames)), `state ${i}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a write whose end marker does not fit behind the frames in the arena still carries every zero of it, and the next frames start clean', () => {
    const arenaBytes = emptyPending().arena.bytes.length;
    const empty: WalRecord = { kind: 'Mutation', lsn: 2, txBeginLsn: 1, event: new Uint8Array(0) };
    for (const room of [0, 3, 8]) {
      // One frame that leaves `room` bytes of the arena free.
      const record: WalRecord = { ...empty, event: new Uint8Array(arenaBytes - room - encodeFrame(empty, salt).length).fill(9) };
      const frame = encodeFrame(record, salt);
      const { pending } = appendFrame(emptyPending(), record, salt);
      const { data, next } = pendingWrite(pending, 8);
      expect(same(data, concat([frame, new Uint8Array(8)])), `room ${room}`).toBe(true);
      const after = appendFrame(next, { kind: 'TxBegin', lsn: 5 }, salt);
      expect(same(pendingWrite(after.pending, 0).data, encodeFrame({ kind: 'TxBegin', lsn: 5 }, salt))).toBe(true);
      expect(same(data, concat([frame, new Uint8Array(8)]))).toBe(true);
    }
  });
});
