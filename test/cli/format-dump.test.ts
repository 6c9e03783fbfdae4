// cli/format-dump.ts: the lines of walref dump.
import { describe, expect, it } from 'vitest';
import { formatEntry } from '../../cli/format-dump.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('dump lines', () => {
  it('a record line names offset, frame length, LSN, kind, transaction and event sizes', () => {
    const line = formatEntry({
      kind: 'record',
      segment: '00000000000000000001.wal',
      offsetBytes: 49,
      frameBytes: 41,
      record: { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [utf8('hello'), utf8('worlds!')] },
    });
    expect(line).toMatch(/offset +49 +len +41 +LSN +2 +MutationBatch +tx 1 +events 2 +sizes 5,7 \(total 12 B\)/);
  });

  it('a batch of many events lists the first sizes and counts the rest', () => {
    const events = Array.from({ length: 20 }, () => utf8('x'));
    const line = formatEntry({
      kind: 'record',
      segment: 's',
      offsetBytes: 32,
      frameBytes: 200,
      record: { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events },
    });
    expect(line).toContain('events 20');
    expect(line).toContain('(+4 more) (total 20 B)');
  });

  it('a checkpoint line shows its snapshot LSN and a commit line its transaction', () => {
    const checkpoint = formatEntry({
      kind: 'record',
      segment: 's',
      offsetBytes: 32,
      frameBytes: 25,
      record: { kind: 'Checkpoint', lsn: 9, snapshotLsn: 4 },
    });
    expect(checkpoint).toMatch(/LSN +9 +Checkpoint +snapshot LSN 4$/);
    const commit = formatEntry({
      kind: 'record',
      segment: 's',
      offsetBytes: 57,
      frameBytes: 25,
      record: { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
    });
    expect(commit).toMatch(/LSN +3 +TxCommit +tx 1$/);
  });
});
