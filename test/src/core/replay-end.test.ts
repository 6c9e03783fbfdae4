// Where a segment's live frames end (src/core/replay-end.ts) and the scan behind the end
// (src/core/replay-scan.ts): the mapping kept as data, checked complete, and the scan's shortcuts.
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrameV1 } from '../../../src/core/codec.js';
import type { WalRecord } from '../../../src/core/records.js';
import { POLICIES, SEGMENT_ROLES } from '../../../src/core/replay-decision.js';
import { END_KINDS, END_RULES, endCause, endKindAt, matchingEndRules } from '../../../src/core/replay-end.js';
import { ANY_SALT, ReplayScan } from '../../../src/core/replay-scan.js';
import { replay } from '../../../src/core/replay.js';
import { segmentSalt } from '../../../src/core/segment-header.js';
import { concat, segment } from './log-builder.js';

describe('the end rules', () => {
  it('are complete: every version, role, end and live-frames-behind matches exactly one rule', () => {
    for (const version of [1, 2] as const) {
      for (const role of SEGMENT_ROLES) {
        for (const kind of END_KINDS) {
          for (const liveAfter of [false, true]) {
            expect(matchingEndRules(version, role, kind, liveAfter).length, `v${version}/${role}/${kind}/${liveAfter}`).toBe(1);
          }
        }
      }
    }
  });

  it('have unique labels, and every rule is reached', () => {
    expect(new Set(END_RULES.map((r) => r.label)).size).toBe(END_RULES.length);
    for (const rule of END_RULES) {
      const reached = ([1, 2] as const).some((v) =>
        SEGMENT_ROLES.some((r) => END_KINDS.some((k) => [false, true].some((a) => matchingEndRules(v, r, k, a)[0] === rule))),
      );
      expect(reached, rule.label).toBe(true);
    }
  });

  it('name the end: zeros, a stale frame, anything else torn; in a v1 segment every end is torn', () => {
    expect(endKindAt(new Uint8Array(30), 'bad-length', true)).toBe('zeros');
    expect(endKindAt(new Uint8Array(5), 'truncated-frame-header', true)).toBe('zeros');
    expect(endKindAt(encodeFrame({ kind: 'TxBegin', lsn: 1 }, 9), 'stale-frame', true)).toBe('stale');
    expect(endKindAt(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 'bad-length', true)).toBe('torn');
    expect(endKindAt(new Uint8Array(30), 'bad-length', false)).toBe('torn');
  });

  it('report the decode cause they stand for: the decoder\'s when there was one, else zeros as bad-length, a stale frame as stale-frame, a torn end as truncated-frame-header', () => {
    expect(endCause('zeros', null)).toBe('bad-length');
    expect(endCause('stale', null)).toBe('stale-frame');
    expect(endCause('torn', null)).toBe('truncated-frame-header');
    expect(endCause('file-end', null)).toBe('truncated-frame-header');
    for (const kind of END_KINDS) expect(endCause(kind, 'bad-checksum'), kind).toBe('bad-checksum');
  });
});

describe('the scan behind the end', () => {
  const salt = 77;

  it('finds a live frame after megabytes of zeros, and reports where it ends', () => {
    const live = encodeFrame({ kind: 'TxBegin', lsn: 42 }, salt);
    const scanner = new ReplayScan(salt, 1000);
    scanner.push(new Uint8Array(3 * 1024 * 1024));
    scanner.push(live);
    scanner.push(new Uint8Array(100));
    scanner.finish();
    expect(scanner.framesFound).toBe(1);
    expect(scanner.maxLsn).toBe(42);
    expect(scanner.lastFrameEndBytes).toBe(1000 + 3 * 1024 * 1024 + live.length);
  });

  it('skips whole stale frames and never counts them, whatever their LSN', () => {
    const stale = Array.from({ length: 50 }, (_, i) => encodeFrame({ kind: 'TxBegin', lsn: 1000 + i }, salt + 1));
    const scanner = new ReplayScan(salt, 0);
    for (const frame of stale) scanner.push(frame);
    scanner.finish();
    expect(scanner.framesFound).toBe(0);
    expect(scanner.maxLsn).toBe(0);
  });

  it('behind a torn header (ANY_SALT) any whole frame counts, v2 under the salt it carries or v1', () => {
    for (const frame of [encodeFrame({ kind: 'TxBegin', lsn: 5 }, 123), encodeFrameV1({ kind: 'TxBegin', lsn: 5 })]) {
      const scanner = new ReplayScan(ANY_SALT, 0);
      scanner.push(concat([Uint8Array.of(1, 2, 3), frame]));
      scanner.finish();
      expect(scanner.framesFound).toBe(1);
    }
  });
});

describe('the end rules under every recovery policy', () => {
  // A v2 segment with one committed transaction, then (at `end`) zeros, a whole frame of the file's
  // earlier life (stale: salt of another segment, LSN above everything) or the end of the file.
  const live: WalRecord[] = [
    { kind: 'TxBegin', lsn: 1 },
    { kind: 'TxCommit', lsn: 2, txBeginLsn: 1 },
  ];
  const stale = encodeFrame({ kind: 'TxBegin', lsn: 40 }, segmentSalt(9, 30));
  const after: Record<'file-end' | 'zeros' | 'stale', Uint8Array> = { 'file-end': new Uint8Array(0), zeros: new Uint8Array(64), stale };

  it('zeros, a stale frame or the file end after the live frames are a clean end: nothing cut, skipped or refused, the stale frame never replayed', () => {
    for (const policy of POLICIES) {
      for (const kind of ['file-end', 'zeros', 'stale'] as const) {
        const first = segment(1, 1, live);
        const subject = { ...first, bytes: concat([first.bytes, after[kind]]) };
        const label = `${policy}/${kind}`;
        // Active: the last segment.
        const active = replay({ segments: [subject], checkpointLsn: 0, policy });
        expect(active.ok, label).toBe(true);
        if (!active.ok) continue;
        expect(active.value.transactions.map((t) => t.commitLsn), label).toEqual([2]);
        expect(active.value.maxLsn, label).toBe(2);
        expect(active.value.tornTail, label).toBeNull();
        expect(active.value.end, label).toMatchObject({ offsetBytes: first.bytes.length, kind });
        expect(active.value.policyReport?.cut ?? null, label).toBeNull();
        expect(active.value.policyReport?.skipped ?? [], label).toEqual([]);
        // Sealed: a successor names the end where the live frames stop.
        const next = segment(2, 3, [{ kind: 'TxBegin', lsn: 3 }, { kind: 'TxCommit', lsn: 4, txBeginLsn: 3 }], { previousEnd: first.bytes.length });
        const sealed = replay({ segments: [subject, next], checkpointLsn: 0, policy });
        expect(sealed.ok, label).toBe(true);
        if (!sealed.ok) continue;
        expect(sealed.value.transactions.map((t) => t.commitLsn), label).toEqual([2, 4]);
        expect(sealed.value.segments[0], label).toMatchObject({ end: kind, validBytes: first.bytes.length });
        expect(sealed.value.policyReport?.cut ?? null, label).toBeNull();
        expect(sealed.value.policyReport?.skipped ?? [], label).toEqual([]);
      }
    }
  });
});

describe('the end rules, cell by cell', () => {
  it('each rule is the one rule for every combination it names', () => {
    for (const rule of END_RULES) {
      for (const role of rule.role === '*' ? SEGMENT_ROLES : [rule.role]) {
        for (const kind of rule.kinds) {
          for (const liveAfter of rule.liveAfter === '*' ? [false, true] : [rule.liveAfter]) {
            expect(matchingEndRules(rule.version, role, kind, liveAfter), `${rule.label}: ${role}/${kind}/${liveAfter}`).toEqual([rule]);
          }
        }
      }
    }
  });
});

describe('the end rules as documentation', () => {
  it('label each rule E<n> with a name, the numbers distinct and running from 1 with no gap, and give each a reason', () => {
    const numbers = END_RULES.map((rule) => {
      const match = /^E(\d+) (\S.{8,})$/.exec(rule.label);
      expect(match, rule.label).not.toBeNull();
      expect(rule.why.length, `${rule.label}: why`).toBeGreaterThanOrEqual(40);
      return Number(match?.[1]);
    });
    expect([...numbers].sort((a, b) => a - b)).toEqual(END_RULES.map((_, i) => i + 1));
  });
});
