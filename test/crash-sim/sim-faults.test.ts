// crash-sim/sim-faults.ts: which faults are armed, what clear() and reset() disarm, and which
// bytes a scheduled bit flip inverts (only the named inode's, only in the named range).
import { describe, expect, it } from 'vitest';
import { SimFaults } from '../../crash-sim/sim-faults.js';

describe('SimFaults', () => {
  it('reports each armed fault apart, until it is taken', () => {
    const faults = new SimFaults();
    expect(faults.pending()).toEqual({ fsync: false, write: false });
    faults.failNextWrite('ENOSPC', 'half');
    expect(faults.pending()).toEqual({ fsync: false, write: true });
    faults.failNextFsync('EIO');
    expect(faults.pending()).toEqual({ fsync: true, write: true });
    expect(faults.takeWrite(10)).toEqual({ writtenBytes: 5, errno: 'ENOSPC' });
    expect(faults.pending()).toEqual({ fsync: true, write: false });
    expect(faults.takeFsync()).toBe('EIO');
    expect(faults.pending()).toEqual({ fsync: false, write: false });
    expect(faults.takeWrite(10)).toEqual({ writtenBytes: 10, errno: null });
    expect(faults.takeFsync()).toBeNull();
  });

  it('clear() disarms the fsync and write faults and keeps the bit flips; reset() drops them too', () => {
    const faults = new SimFaults();
    faults.failNextFsync('EIO');
    faults.failNextWrite(null, 3);
    faults.flipBitsOnRead(1, 0, 2);
    faults.clear();
    expect(faults.pending()).toEqual({ fsync: false, write: false });
    expect(faults.takeFsync()).toBeNull();
    expect(faults.takeWrite(8)).toEqual({ writtenBytes: 8, errno: null });
    expect([...faults.flipped(1, 0, Uint8Array.of(0, 0, 0))]).toEqual([0xff, 0xff, 0]);
    faults.reset();
    expect([...faults.flipped(1, 0, Uint8Array.of(0, 0, 0))]).toEqual([0, 0, 0]);
  });

  it('flips only the bytes of the named inode within the named range', () => {
    const faults = new SimFaults();
    faults.flipBitsOnRead(2, 4, 3);
    expect([...faults.flipped(1, 0, new Uint8Array(8))]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...faults.flipped(2, 0, new Uint8Array(8))]).toEqual([0, 0, 0, 0, 0xff, 0xff, 0xff, 0]);
    // A read that starts inside the range.
    expect([...faults.flipped(2, 5, Uint8Array.of(0x0f, 0x0f, 0x0f))]).toEqual([0xf0, 0xf0, 0x0f]);
  });
});
