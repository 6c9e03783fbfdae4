// crash-sim/apply-op.ts folds a log of file-system ops into a state. A log is made by the
// simulator and replayed by the enumerator; an op that names a directory or an inode the state
// does not have means the log and the state disagree (a bug in whoever built the log), and the fold
// must stop there with an error that names what was missing, not corrupt the state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOp, stateAfter } from '../../crash-sim/apply-op.js';
import { crashSpace, crashSpaceAt, enumerateCrashStates, type CrashSpace } from '../../crash-sim/crash-states.js';
import { DEFAULT_KNOBS, resolveKnobs, type SimKnobs } from '../../crash-sim/knobs.js';
import type { SimOp } from '../../crash-sim/sim-state.js';
import { recorded } from './op-log.js';

const op = recorded;

describe('applyOp refuses a log that disagrees with its state', () => {
  it('names the directory a create names when it does not exist', () => {
    const log = [op({ kind: 'create', path: '/missing/f', inode: 1 }, 0)];
    expect(() => stateAfter(DEFAULT_KNOBS, log, 1)).toThrow('crash-sim: op names unknown directory /missing');
  });

  it('names the inode a write names when no file has it', () => {
    const log = [op({ kind: 'write', path: '/f', inode: 7, offsetBytes: 0, data: new Uint8Array([1]), writtenBytes: 1, errno: null }, 0)];
    expect(() => stateAfter(DEFAULT_KNOBS, log, 1)).toThrow('crash-sim: op names unknown inode 7');
  });

  it('refuses an rmdir of a directory that still holds an entry or a directory, naming it', () => {
    const withFile = [op({ kind: 'mkdir', path: '/d' }, 0), op({ kind: 'create', path: '/d/f', inode: 1 }, 1), op({ kind: 'rmdir', path: '/d' }, 2)];
    expect(() => stateAfter(DEFAULT_KNOBS, withFile, 3)).toThrow('crash-sim: rmdir of /d, which is not empty');
    const withDir = [op({ kind: 'mkdir', path: '/d' }, 0), op({ kind: 'mkdir', path: '/d/e' }, 1), op({ kind: 'rmdir', path: '/d' }, 2)];
    expect(() => stateAfter(DEFAULT_KNOBS, withDir, 3)).toThrow('crash-sim: rmdir of /d, which is not empty');
    // A sibling whose name starts the same is no child; an empty directory goes.
    const siblings = [op({ kind: 'mkdir', path: '/d' }, 0), op({ kind: 'mkdir', path: '/dd' }, 1), op({ kind: 'rmdir', path: '/d' }, 2)];
    expect([...stateAfter(DEFAULT_KNOBS, siblings, 3).dirs.keys()]).not.toContain('/d');
  });

  it('refuses a directory renamed onto an existing directory or file, or into itself, naming both', () => {
    const base = [op({ kind: 'mkdir', path: '/a' }, 0), op({ kind: 'mkdir', path: '/b' }, 1), op({ kind: 'create', path: '/f', inode: 1 }, 2)];
    for (const to of ['/b', '/f', '/a/inside']) {
      const log = [...base, op({ kind: 'renameDir', from: '/a', to }, 3)];
      expect(() => stateAfter(DEFAULT_KNOBS, log, 4), to).toThrow(`crash-sim: rename of the directory /a onto ${to}, which exists or lies inside it`);
    }
    const fine = [...base, op({ kind: 'renameDir', from: '/a', to: '/c' }, 3)];
    expect([...stateAfter(DEFAULT_KNOBS, fine, 4).dirs.keys()]).toContain('/c');
  });

  it('folds a log that agrees with its state', () => {
    const log = [op({ kind: 'mkdir', path: '/d' }, 0), op({ kind: 'create', path: '/d/f', inode: 1 }, 1)];
    const state = stateAfter(DEFAULT_KNOBS, log, 2);
    expect(state.dirs.get('/d')?.live.get('f')).toBe(1);
  });
});

// Crash spaces are memoized per file and per version of the file (crash-states.ts): every op that
// changes a file's page cache or its pieces must give it a new version, or a space taken before the
// op is served again after it. Taken along one state (as crash-test does, with some points
// skipped), the crash states must be exactly those of a state folded afresh from the log.
describe('applyOp and the crash spaces taken along one state', () => {
  type Step =
    | { readonly kind: 'write'; readonly file: number; readonly offset: number; readonly length: number; readonly written: number }
    | { readonly kind: 'truncate'; readonly file: number; readonly size: number }
    | { readonly kind: 'fallocate'; readonly file: number; readonly offset: number; readonly length: number; readonly keepSize: boolean }
    | { readonly kind: 'fsync'; readonly file: number; readonly eio: boolean }
    | { readonly kind: 'syncAll'; readonly eio: boolean };

  const PATHS = ['/a', '/b'];
  const file = fc.nat(1);
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    // Some writes write nothing (ENOSPC before the first byte), past the end too.
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), file, offset: fc.nat(12), length: fc.integer({ min: 1, max: 8 }), written: fc.nat(8) }).map((s) => ({ ...s, written: Math.min(s.written, s.length) })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file, size: fc.nat(16) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fallocate' as const), file, offset: fc.nat(12), length: fc.integer({ min: 1, max: 8 }), keepSize: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('fsync' as const), file, eio: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('syncAll' as const), eio: fc.boolean() }) },
  );

  function opLog(steps: readonly Step[]): SimOp[] {
    const log: SimOp[] = [];
    const add = (o: Record<string, unknown>): void => void log.push(op(o, log.length));
    PATHS.forEach((path, i) => add({ kind: 'create', path, inode: i + 1 }));
    for (const s of steps) {
      const target = s.kind === 'syncAll' ? {} : { path: PATHS[s.file], inode: s.file + 1 };
      if (s.kind === 'write') add({ ...target, kind: 'write', offsetBytes: s.offset, data: new Uint8Array(s.length).fill(log.length + 1), writtenBytes: s.written, errno: s.written < s.length ? 'ENOSPC' : null });
      else if (s.kind === 'truncate') add({ ...target, kind: 'truncate', sizeBytes: s.size });
      else if (s.kind === 'fallocate') add({ ...target, kind: 'fallocate', offsetBytes: s.offset, lengthBytes: s.length, keepSize: s.keepSize });
      else add({ ...target, kind: s.kind, errno: s.eio ? 'EIO' : null });
    }
    return log;
  }

  /** Every crash state of a space, as the bytes of each file, sorted. */
  const images = (space: CrashSpace): string[] =>
    enumerateCrashStates(space, { maxStates: 512, seed: 1 })
      .states.map((s) => PATHS.map((path) => `${path}=${[...(s.files.get(path)?.content.toBytes() ?? [])].join(',')}`).join(' '))
      .sort();

  function check(knobs: SimKnobs, steps: readonly Step[], taken: readonly boolean[]): void {
    const log = opLog(steps);
    const state = stateAfter(knobs, log, PATHS.length);
    for (let count = PATHS.length + 1; count <= log.length; count++) {
      applyOp(state, log[count - 1] as SimOp);
      // The last point is always taken, the others (after step i) as `taken[i]` says.
      if (count < log.length && taken[count - PATHS.length - 1] !== true) continue;
      expect(images(crashSpace(state)), `after op ${count - 1}`).toEqual(images(crashSpaceAt(knobs, log, count)));
    }
  }

  const knobsArb = fc.record({ ordered: fc.boolean(), safeAppend: fc.boolean() }).map((k) => resolveKnobs({ ...k, sectorBytes: 4, dirSync: false }));

  it('are those of a state folded afresh, whichever points were taken', () => {
    fc.assert(fc.property(knobsArb, fc.array(stepArb, { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), check), { numRuns: 100 });
  });

  // A space taken, then a change and an fsync with no space taken between them: the two ops that
  // could bring a file back to a version it had.
  const k = resolveKnobs({ sectorBytes: 4, dirSync: false });
  const at = (...points: number[]): boolean[] => Array.from({ length: 6 }, (_, i) => points.includes(i));
  it('reflect a write made and fsynced after a space was taken', () => {
    check(k, [{ kind: 'write', file: 0, offset: 0, length: 4, written: 4 }, { kind: 'write', file: 0, offset: 4, length: 4, written: 4 }, { kind: 'fsync', file: 0, eio: false }], at(0));
  });
  it('reflect a truncate made and fsynced after a space was taken', () => {
    check(k, [{ kind: 'write', file: 0, offset: 0, length: 8, written: 8 }, { kind: 'truncate', file: 0, size: 2 }, { kind: 'fsync', file: 0, eio: false }], at(0));
  });
  it('reflect a fallocate made and fsynced after a space was taken', () => {
    check(k, [{ kind: 'write', file: 0, offset: 0, length: 2, written: 2 }, { kind: 'fallocate', file: 0, offset: 0, length: 8, keepSize: false }, { kind: 'fsync', file: 0, eio: false }], at(0));
  });
});

describe('applyOp leaves the crash states as they were', () => {
  const statesAfter = (knobs: SimKnobs, inputs: readonly Record<string, unknown>[]): string[] => {
    const log = inputs.map((o, i) => op(o, i));
    return enumerateCrashStates(crashSpaceAt(knobs, log, log.length), { maxStates: 512, seed: 1 })
      .states.map((s) => [...(s.files.get('/w')?.content.toBytes() ?? [])].join(','))
      .sort();
  };
  const before = [
    { kind: 'create', path: '/w', inode: 1 },
    { kind: 'write', path: '/w', inode: 1, offsetBytes: 0, data: Uint8Array.of(1, 2, 3, 4, 5, 6), writtenBytes: 6, errno: null },
  ];
  const everyKnob = [false, true].flatMap((ordered) => [false, true].map((safeAppend) => resolveKnobs({ sectorBytes: 4, ordered, safeAppend, dirSync: false })));

  it('after a fallocate that ends at or below the size the file has', () => {
    for (const knobs of everyKnob) {
      for (const [offsetBytes, lengthBytes] of [[0, 6], [2, 4], [0, 5], [5, 1]] as const) {
        const fallocate = { kind: 'fallocate', path: '/w', inode: 1, offsetBytes, lengthBytes, keepSize: false };
        expect(statesAfter(knobs, [...before, fallocate]), `@${offsetBytes}+${lengthBytes}`).toEqual(statesAfter(knobs, before));
      }
    }
  });

  it('after a sync(2) that failed: nothing is known to be durable', () => {
    for (const knobs of everyKnob) expect(statesAfter(knobs, [...before, { kind: 'syncAll', errno: 'EIO' }])).toEqual(statesAfter(knobs, before));
  });

  it('after a write that wrote nothing, past the end of the file too', () => {
    for (const knobs of everyKnob) {
      const write = { kind: 'write', path: '/w', inode: 1, offsetBytes: 12, data: Uint8Array.of(9), writtenBytes: 0, errno: 'ENOSPC' };
      expect(statesAfter(knobs, [...before, write])).toEqual(statesAfter(knobs, before));
    }
  });
});
