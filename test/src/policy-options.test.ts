// src/policy-options.ts: `retain` takes whole counts in range and nothing else, `recovery` one of
// the named policies, and resolveRetention lays the fields given over a base, field by field.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, RETAIN_SNAPSHOTS_MAX } from '../../src/core/checkpoint.js';
import { RECOVERY_POLICY_NAMES } from '../../src/core/recovery-policy.js';
import { recoveryPolicySchema, resolveRetention, retainSchema } from '../../src/policy-options.js';

describe('retainSchema', () => {
  it.each([{}, { snapshots: 1 }, { snapshots: RETAIN_SNAPSHOTS_MAX }, { segmentsBehindSnapshot: 0 }, { segmentsBehindSnapshot: 1_000_000 }, { snapshots: 3, segmentsBehindSnapshot: 2 }])('accepts %j', (value) => {
    expect(retainSchema().safeParse(value).success).toBe(true);
  });

  it.each([
    [{ snapshots: 0 }, 'snapshots'],
    [{ snapshots: RETAIN_SNAPSHOTS_MAX + 1 }, 'snapshots'],
    [{ snapshots: 1.5 }, 'snapshots'],
    [{ segmentsBehindSnapshot: -1 }, 'segmentsBehindSnapshot'],
    [{ segmentsBehindSnapshot: 1_000_001 }, 'segmentsBehindSnapshot'],
    [{ snapshot: 2 }, 'snapshot'],
  ])('refuses %j, naming %s', (value, field) => {
    const parsed = retainSchema().safeParse(value);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(field);
  });
});

describe('recoveryPolicySchema', () => {
  it('accepts each named policy and nothing else', () => {
    expect(RECOVERY_POLICY_NAMES.length).toBeGreaterThan(1);
    for (const name of RECOVERY_POLICY_NAMES) expect(recoveryPolicySchema().parse(name)).toBe(name);
    expect(recoveryPolicySchema().safeParse('tolerate-everything').success).toBe(false);
    expect(recoveryPolicySchema().safeParse('').success).toBe(false);
  });
});

describe('resolveRetention', () => {
  it('lays each field given over the base, and keeps the base for the rest', () => {
    expect(resolveRetention(undefined)).toEqual(DEFAULT_RETENTION);
    expect(resolveRetention({})).toEqual(DEFAULT_RETENTION);
    const base = { snapshots: 4, segmentsBehindSnapshot: 7 };
    expect(resolveRetention({ snapshots: 2 }, base)).toEqual({ snapshots: 2, segmentsBehindSnapshot: 7 });
    expect(resolveRetention({ segmentsBehindSnapshot: 0 }, base)).toEqual({ snapshots: 4, segmentsBehindSnapshot: 0 });
    expect(resolveRetention({ snapshots: undefined, segmentsBehindSnapshot: 1 }, base)).toEqual({ snapshots: 4, segmentsBehindSnapshot: 1 });
  });
});
