// crash-sim/knobs.ts: the defaults every caller gets (walref's own setting: the strictest device a
// journaling file system gives), the partial knobs filled from them, and the label reports use.
import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS, describeKnobs, resolveKnobs } from '../../crash-sim/knobs.js';

describe('crash-sim knobs', () => {
  it('default to 512-byte sectors, ordered writes, safe append and directory fsyncs, with no pending mkdir', () => {
    expect(DEFAULT_KNOBS).toEqual({ sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true });
    expect(resolveKnobs()).toEqual(DEFAULT_KNOBS);
    expect(describeKnobs(resolveKnobs())).toBe('ordered, safeAppend, dirSync, 512B sectors');
  });

  it('take each knob given and the defaults for the rest; mkdirSync appears only when on', () => {
    expect(resolveKnobs({ sectorBytes: 4, ordered: false })).toEqual({ sectorBytes: 4, ordered: false, safeAppend: true, dirSync: true });
    expect(resolveKnobs({ safeAppend: false, dirSync: false, mkdirSync: true })).toEqual({ sectorBytes: 512, ordered: true, safeAppend: false, dirSync: false, mkdirSync: true });
    expect(resolveKnobs({ mkdirSync: false })).not.toHaveProperty('mkdirSync');
    expect(resolveKnobs({ ordered: undefined })).toEqual(DEFAULT_KNOBS);
    expect(describeKnobs(resolveKnobs({ sectorBytes: 32, ordered: false, safeAppend: false, dirSync: false, mkdirSync: true }))).toBe('unordered, unsafeAppend, noDirSync, mkdirSync, 32B sectors');
  });

  it('refuse a sector size that is no positive integer, naming it', () => {
    for (const sectorBytes of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => resolveKnobs({ sectorBytes }), String(sectorBytes)).toThrow(new RangeError(`crash-sim: sectorBytes must be a positive integer, got ${sectorBytes}`));
    }
    expect(resolveKnobs({ sectorBytes: 1 }).sectorBytes).toBe(1);
  });
});
