// oracle/explore/workload-disk.ts: the disk a workload runs on. The simulator's schedules a power
// loss; the real disk refuses every fault and crash, naming walref explore.
import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../../crash-sim/index.js';
import { realDisk, simulatedDisk } from '../../../oracle/explore/workload-disk.js';
import { nodeFileSystem } from '../../../src/fs/node-fs.js';

describe('workload disks', () => {
  it('the simulator loses power after the count of operations asked for', () => {
    const disk = simulatedDisk(new SimFileSystem({}));
    expect(disk.powerLost()).toBe(false);
    disk.losePowerAfter(0);
    expect(disk.powerLost()).toBe(true);
  });

  it('the real disk refuses faults and crashes, naming walref explore', () => {
    const disk = realDisk(nodeFileSystem);
    expect(() => disk.inject('fsync-eio')).toThrow('the real disk cannot schedule a fault or a crash; run this workload with walref explore');
    expect(() => disk.powerLoss(1)).toThrow(/walref explore/);
    expect(() => disk.losePowerAfter(1)).toThrow(/walref explore/);
    expect([disk.opLog(), disk.disarmUnreached(), disk.powerLost()]).toEqual([[], false, false]);
  });
});
