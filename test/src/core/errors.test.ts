// The one error type the public API throws (src/core/errors.ts): its name, code and facts, and a
// message that names every fact it carries, for every code. A new code without an example here
// fails to compile (the examples are a Record over every code).
import { describe, expect, it } from 'vitest';
import { describeWalError, err, ok, WalError, type WalErrorCode, type WalErrorInfo } from '../../../src/core/errors.js';

/** One error of each code, each fact a value no other fact of it shares. */
const EXAMPLES: { readonly [C in WalErrorCode]: Extract<WalErrorInfo, { code: C }> } = {
  AlreadyOpen: { code: 'AlreadyOpen', dir: '/data/wal-a' },
  Poisoned: { code: 'Poisoned', reason: 'fsync of 00000000000000000003.wal failed: EIO' },
  Closed: { code: 'Closed' },
  InvalidOption: { code: 'InvalidOption', option: 'segmentTargetBytes', detail: 'must be at least 4096' },
  InvalidArgument: { code: 'InvalidArgument', argument: 'txBeginLsn', detail: 'no open transaction 77' },
  NotFound: { code: 'NotFound', path: '/data/missing' },
  Corruption: { code: 'Corruption', segment: '00000000000000000002.wal', offsetBytes: 4133, lsn: 981, cause: 'bad-checksum' },
  BadSegmentHeader: { code: 'BadSegmentHeader', segment: '00000000000000000009.wal', cause: 'unsupported-version' },
  Malformed: { code: 'Malformed', segment: '00000000000000000004.wal', offsetBytes: 612, lsn: 55, rule: 'lsn-not-increasing', detail: 'LSN 55 after 61' },
  IoError: { code: 'IoError', op: 'fdatasync', path: '/data/wal/00000000000000000001.wal', errno: 'EIO' },
  Damaged: { code: 'Damaged', policy: 'absolute', segment: '00000000000000000006.wal', offsetBytes: 2900, lsn: 303, cause: 'truncated-body' },
  BadManifest: { code: 'BadManifest', file: 'MANIFEST', cause: 'bad-length' },
  BadSnapshot: { code: 'BadSnapshot', file: 'snapshot-00000000000000000012', lsn: 4410, cause: 'size-mismatch' },
  FenceSplitsTransaction: { code: 'FenceSplitsTransaction', lsn: 8120, txBeginLsn: 8117, open: true },
};

/** Every fact of an error as the text its message must hold (the code aside, which is the type). */
function factTexts(info: WalErrorInfo): string[] {
  return Object.entries(info)
    .filter(([key, value]) => key !== 'code' && typeof value !== 'boolean' && value !== null)
    .map(([, value]) => String(value));
}

describe('WalError', () => {
  it.each(Object.values(EXAMPLES))('$code: a WalError named so, with its code, its facts, and a message naming every fact', (info) => {
    const error = new WalError(info);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WalError');
    expect(String(error).startsWith('WalError: ')).toBe(true);
    expect(error.code).toBe(info.code);
    expect(error.info).toBe(info);
    expect(error.message).toBe(describeWalError(info));
    for (const fact of factTexts(info)) expect(error.message, `${info.code}'s message names ${fact}`).toContain(fact);
  });

  it('every code reads differently, and facts that differ give different messages', () => {
    const messages = Object.values(EXAMPLES).map(describeWalError);
    expect(new Set(messages).size).toBe(messages.length);
    // Where a fact is optional or a flag, the message still tells the cases apart.
    // Without a last good LSN the message is the same, less the words that would name it.
    expect(describeWalError({ ...EXAMPLES.Corruption, lsn: null })).toBe(describeWalError(EXAMPLES.Corruption).replace(' (after LSN 981)', ''));
    expect(describeWalError(EXAMPLES.Corruption)).toContain('after LSN 981');
    expect(describeWalError({ ...EXAMPLES.Damaged, lsn: null })).toBe(describeWalError(EXAMPLES.Damaged).replace(' (after LSN 303)', ''));
    expect(describeWalError({ ...EXAMPLES.FenceSplitsTransaction, open: true })).toContain('still open');
    expect(describeWalError({ ...EXAMPLES.FenceSplitsTransaction, open: false })).toContain('closed after it');
    // A refusal the host can act on says what to do instead.
    expect(describeWalError(EXAMPLES.FenceSplitsTransaction)).toContain('name a commit LSN after which no transaction is open');
  });

  it('ok and err build the two sides of a Result', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(err(EXAMPLES.Closed)).toEqual({ ok: false, error: EXAMPLES.Closed });
  });
});
