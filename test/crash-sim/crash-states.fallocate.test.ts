// fallocate in crash-sim (etcd preallocates its 64 MB WAL segments): allocation changes only the
// size, durable once fsynced like any size change, never down, never with KEEP_SIZE; the new bytes
// read as zeros, and a 64 MB file costs no 64 MB of memory (the zeros are held by position).
import { describe, expect, it } from 'vitest';
import { crashSpace, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { resolveKnobs, type SimKnobs } from '../../crash-sim/knobs.js';
import { applyOp } from '../../crash-sim/apply-op.js';
import { emptyState, type SimOp, type SimOpInput as OpInput } from '../../crash-sim/sim-state.js';

function statesOf(knobs: SimKnobs, ops: readonly OpInput[]) {
  const state = emptyState(knobs);
  ops.forEach((op, index) => applyOp(state, { ...op, index, durableLsnProbe: null } as SimOp));
  return enumerateCrashStates(crashSpace(state), { maxStates: 10_000, seed: 1 }).states;
}

const sizes = (knobs: SimKnobs, ops: readonly OpInput[]): string[] =>
  statesOf(knobs, ops).map((s) => [...s.files.values()].map((f) => `${f.content.sizeBytes}:${[...f.content.read(0, 4)].join(',')}`).join(' ')).sort();

const MB64 = 64 * 1024 * 1024;
const created: OpInput[] = [
  { kind: 'create', path: '/w', inode: 1 },
  { kind: 'fsyncDir', path: '/', errno: null },
];

describe('fallocate', () => {
  it('grows the file with zeros that persist or not, like a size change, until an fsync', () => {
    const ops: OpInput[] = [...created, { kind: 'fallocate', path: '/w', inode: 1, offsetBytes: 0, lengthBytes: MB64, keepSize: false }];
    expect(sizes(resolveKnobs({}), ops)).toEqual(['0:', `${MB64}:0,0,0,0`]);
    expect(sizes(resolveKnobs({}), [...ops, { kind: 'fsync', path: '/w', inode: 1, errno: null }])).toEqual([`${MB64}:0,0,0,0`]);
  });

  it('a write at the start of the allocated file persists on its own or with the allocation', () => {
    const ops: OpInput[] = [
      ...created,
      { kind: 'fallocate', path: '/w', inode: 1, offsetBytes: 0, lengthBytes: MB64, keepSize: false },
      { kind: 'fsync', path: '/w', inode: 1, errno: null },
      { kind: 'write', path: '/w', inode: 1, offsetBytes: 0, data: Uint8Array.of(7, 7), writtenBytes: 2, errno: null },
    ];
    expect(sizes(resolveKnobs({}), ops)).toEqual([`${MB64}:0,0,0,0`, `${MB64}:7,7,0,0`]);
    const state = statesOf(resolveKnobs({}), ops)[1];
    // The image shares the allocated zeros: one chunk of its own, not 64 MB.
    expect([...(state?.files.get('/w')?.content.extents() ?? [])].map((e) => e.kind)).toEqual(['bytes', 'zeros', 'zeros']);
  });

  it('changes nothing with KEEP_SIZE, or below the size the file already has', () => {
    const ops: OpInput[] = [
      ...created,
      { kind: 'write', path: '/w', inode: 1, offsetBytes: 0, data: Uint8Array.of(1, 2, 3, 4), writtenBytes: 4, errno: null },
      { kind: 'fsync', path: '/w', inode: 1, errno: null },
      { kind: 'fallocate', path: '/w', inode: 1, offsetBytes: 0, lengthBytes: MB64, keepSize: true },
      { kind: 'fallocate', path: '/w', inode: 1, offsetBytes: 0, lengthBytes: 2, keepSize: false },
    ];
    expect(sizes(resolveKnobs({}), ops)).toEqual(['4:1,2,3,4']);
  });

  it('unordered, the allocation persists or not on its own axis', () => {
    const ops: OpInput[] = [
      ...created,
      { kind: 'fallocate', path: '/w', inode: 1, offsetBytes: 0, lengthBytes: 4096, keepSize: false },
      { kind: 'write', path: '/w', inode: 1, offsetBytes: 0, data: Uint8Array.of(5), writtenBytes: 1, errno: null },
    ];
    // The write persists as its whole sector (the page held the allocated zeros around it): 512 bytes.
    expect(sizes(resolveKnobs({ ordered: false }), ops)).toEqual(['0:', '4096:0,0,0,0', '4096:5,0,0,0', '512:5,0,0,0']);
  });
});
