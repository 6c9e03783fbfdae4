// crash-sim's ops for other programs: a lost mkdir takes its files with it (mkdirSync), hard links,
// rmdir undone by a crash, a directory renamed (etcd's member/wal.tmp → member/wal), and sync(2)
// making everything durable.
import { describe, expect, it } from 'vitest';
import { crashSpace, enumerateCrashStates } from '../../crash-sim/crash-states.js';
import { resolveKnobs, type SimKnobs } from '../../crash-sim/knobs.js';
import { applyOp } from '../../crash-sim/apply-op.js';
import { emptyState, type SimOp, type SimOpInput as OpInput } from '../../crash-sim/sim-state.js';

function images(knobs: SimKnobs, ops: readonly OpInput[]): string[] {
  const state = emptyState(knobs);
  ops.forEach((op, index) => applyOp(state, { ...op, index, durableLsnProbe: null } as SimOp));
  const { states } = enumerateCrashStates(crashSpace(state), { maxStates: 10_000, seed: 1 });
  return states.map((s) => `${s.dirs.join(' ')} | ${[...s.files].map(([p, f]) => `${p}=${new TextDecoder().decode(f.bytes)}`).join(' ')}`).sort();
}

const data = new TextEncoder().encode('x');

describe('crash-sim for programs walref did not write', () => {
  it('with mkdirSync, a directory not fsynced into its parent may vanish with the file inside', () => {
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/db' },
      { kind: 'create', path: '/db/f', inode: 1 },
      { kind: 'write', path: '/db/f', inode: 1, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'fsync', path: '/db/f', inode: 1, errno: null },
      { kind: 'fsyncDir', path: '/db', errno: null },
    ];
    expect(images(resolveKnobs({ mkdirSync: true }), ops)).toEqual(['/ /db | /db/f=x', '/ | ']);
    expect(images(resolveKnobs({ mkdirSync: true }), [...ops, { kind: 'fsyncDir', path: '/', errno: null }])).toEqual(['/ /db | /db/f=x']);
    // Without the knob, directories are durable at once (walref's own setting).
    expect(images(resolveKnobs({}), ops)).toEqual(['/ /db | /db/f=x']);
  });

  it('a hard link is one more name for the same bytes, lost until its directory is fsynced', () => {
    const ops: OpInput[] = [
      { kind: 'create', path: '/a', inode: 1 },
      { kind: 'write', path: '/a', inode: 1, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'fsync', path: '/a', inode: 1, errno: null },
      { kind: 'fsyncDir', path: '/', errno: null },
      { kind: 'link', from: '/a', to: '/b', inode: 1 },
    ];
    expect(images(resolveKnobs({}), ops)).toEqual(['/ | /a=x', '/ | /a=x /b=x']);
  });

  it('an rmdir not yet durable may be undone by a crash', () => {
    const ops: OpInput[] = [{ kind: 'mkdir', path: '/old' }, { kind: 'rmdir', path: '/old' }];
    expect(images(resolveKnobs({}), ops)).toEqual(['/ /old | ', '/ | ']);
  });

  it('sync() makes every write and every entry change durable', () => {
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/db' },
      { kind: 'create', path: '/db/f', inode: 1 },
      { kind: 'write', path: '/db/f', inode: 1, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'syncAll', errno: null },
    ];
    expect(images(resolveKnobs({ mkdirSync: true }), ops)).toEqual(['/ /db | /db/f=x']);
  });

  it('a renamed directory shows under its old name until its parent is fsynced, with what became durable inside it', () => {
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/m' },
      { kind: 'mkdir', path: '/m/wal.tmp' },
      { kind: 'create', path: '/m/wal.tmp/0', inode: 1 },
      { kind: 'write', path: '/m/wal.tmp/0', inode: 1, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'fsync', path: '/m/wal.tmp/0', inode: 1, errno: null },
      { kind: 'fsyncDir', path: '/m/wal.tmp', errno: null },
      { kind: 'renameDir', from: '/m/wal.tmp', to: '/m/wal' },
    ];
    expect(images(resolveKnobs({}), ops)).toEqual(['/ /m /m/wal | /m/wal/0=x', '/ /m /m/wal.tmp | /m/wal.tmp/0=x']);
    expect(images(resolveKnobs({}), [...ops, { kind: 'fsyncDir', path: '/m', errno: null }])).toEqual(['/ /m /m/wal | /m/wal/0=x']);
    // Without dirSync the rename is durable at once.
    expect(images(resolveKnobs({ dirSync: false }), ops)).toEqual(['/ /m /m/wal | /m/wal/0=x']);
  });

  it('an entry change stays in its directory whatever name the directory has after the crash', () => {
    const created: OpInput[] = [
      { kind: 'mkdir', path: '/a' },
      { kind: 'renameDir', from: '/a', to: '/b' },
      { kind: 'create', path: '/b/f', inode: 1 },
    ];
    // Made durable under the new name, it is under the old name when the rename is lost.
    expect(images(resolveKnobs({}), [...created, { kind: 'fsyncDir', path: '/b', errno: null }])).toEqual(['/ /a | /a/f=', '/ /b | /b/f=']);
    // Undecided, it persists or not, under whichever name the directory kept.
    expect(images(resolveKnobs({}), created)).toEqual(['/ /a | ', '/ /a | /a/f=', '/ /b | ', '/ /b | /b/f=']);
    // Issued before the rename, still undecided when the rename became durable: it is in the renamed directory.
    const before: OpInput[] = [
      { kind: 'mkdir', path: '/a' },
      { kind: 'create', path: '/a/f', inode: 1 },
      { kind: 'renameDir', from: '/a', to: '/b' },
      { kind: 'fsyncDir', path: '/', errno: null },
    ];
    expect(images(resolveKnobs({}), before)).toEqual(['/ /b | ', '/ /b | /b/f=']);
  });

  it('without dirSync but with mkdirSync, a directory renamed before its mkdir is durable is made durable under its new name', () => {
    // etcd's member/wal.tmp → member/wal, then an fsync of member/: found by the knob matrix, where
    // the mkdir stayed pending under the old name and the renamed directory vanished with its files.
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/m' },
      { kind: 'mkdir', path: '/m/wal.tmp' },
      { kind: 'create', path: '/m/wal.tmp/0', inode: 1 },
      { kind: 'write', path: '/m/wal.tmp/0', inode: 1, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'fsync', path: '/m/wal.tmp/0', inode: 1, errno: null },
      { kind: 'renameDir', from: '/m/wal.tmp', to: '/m/wal' },
      { kind: 'fsyncDir', path: '/m', errno: null },
      { kind: 'fsyncDir', path: '/', errno: null },
    ];
    const knobs = resolveKnobs({ dirSync: false, mkdirSync: true });
    expect(images(knobs, ops)).toEqual(['/ /m /m/wal | /m/wal/0=x']);
    // Before the fsync of /m, the renamed directory may be lost with its file, never kept under its old name.
    expect(images(knobs, [...ops.slice(0, 6), { kind: 'fsyncDir', path: '/', errno: null }])).toEqual(['/ /m /m/wal | /m/wal/0=x', '/ /m | ']);
  });

  it('crash states are told apart by what they hold, not by the order a directory\'s names were made in', () => {
    // With dirSync, /d/a is renamed to /d/b and back, both undecided. Both renames persisted and
    // neither persisted leave the same names (/d/a beside /d/c), though /d/a was made again last
    // in the first: one crash state, not two. The second alone finds no /d/b and changes nothing.
    const write = (path: string, inode: number): OpInput[] => [
      { kind: 'create', path, inode },
      { kind: 'write', path, inode, offsetBytes: 0, data, writtenBytes: 1, errno: null },
      { kind: 'fsync', path, inode, errno: null },
    ];
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/d' },
      ...write('/d/a', 1),
      ...write('/d/c', 2),
      { kind: 'fsyncDir', path: '/d', errno: null },
      { kind: 'rename', from: '/d/a', to: '/d/b', inode: 1 },
      { kind: 'rename', from: '/d/b', to: '/d/a', inode: 1 },
    ];
    expect(images(resolveKnobs({ dirSync: true }), ops)).toEqual(['/ /d | /d/a=x /d/c=x', '/ /d | /d/b=x /d/c=x']);
  });

  it('a directory whose parent is lost is lost with it, and a state says which entry changes it kept', () => {
    // With mkdirSync, /a/b is durable in /a (its fsync), but /a is not in /.
    const state = emptyState(resolveKnobs({ mkdirSync: true }));
    const ops: OpInput[] = [
      { kind: 'mkdir', path: '/a' },
      { kind: 'mkdir', path: '/a/b' },
      { kind: 'fsyncDir', path: '/a', errno: null },
    ];
    ops.forEach((op, index) => applyOp(state, { ...op, index, durableLsnProbe: null } as SimOp));
    const { states } = enumerateCrashStates(crashSpace(state), { maxStates: 100, seed: 1 });
    expect(states.map((s) => [s.dirs, s.describe()])).toEqual([
      [['/'], '  dir: mkdir /a lost'],
      [['/', '/a', '/a/b'], '  dir: mkdir /a persisted'],
    ]);
  });
});
