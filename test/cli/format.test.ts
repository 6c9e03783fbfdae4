import { describe, expect, it } from 'vitest';
import { printableUtf8, renderEvent, toHex } from '../../cli/format-event.js';
import { formatEntry } from '../../cli/format-dump.js';
import { describeRecord } from '../../cli/format-record.js';
import { framesOf } from '../../cli/html-report.js';
import { drawFile } from '../../cli/picture.js';
import { encodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { encodeSegmentHeader } from '../../src/core/segment-header.js';
import type { WalRecord } from '../../src/core/records.js';
import { describeFailure, exitCodeOf } from '../../cli/cli-failure.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('event rendering', () => {
  it('printable UTF-8 is shown as quoted text with JSON escapes', () => {
    expect(renderEvent(utf8('hello'))).toBe('"hello"');
    expect(renderEvent(utf8('a "b"\nc'))).toBe('"a \\"b\\"\\nc"');
    expect(renderEvent(utf8('grüße ✓'))).toBe('"grüße ✓"');
    expect(renderEvent(new Uint8Array(0))).toBe('""');
  });

  it('invalid UTF-8 and control characters are shown as hex', () => {
    expect(printableUtf8(Uint8Array.of(0xff, 0xfe))).toBeNull();
    expect(renderEvent(Uint8Array.of(0xff, 0x00, 0x10))).toBe('0xff0010');
    expect(renderEvent(utf8('bell\u0007'))).toBe(`0x${toHex(utf8('bell\u0007'))}`);
    expect(renderEvent(Uint8Array.of(0x41, 0x00))).toBe('0x4100');
  });
});

describe('one record description for every presentation', () => {
  it('the HTML report and the picture show a record and its events exactly as describeRecord does', () => {
    const record: WalRecord = { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [utf8('tab\there'), utf8('c1\u0085'), Uint8Array.of(0xff)] };
    const frame = encodeFrame(record, 3);
    const bytes = new Uint8Array(SEGMENT_HEADER_BYTES + frame.length);
    bytes.set(encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: 3 }), 0);
    bytes.set(frame, SEGMENT_HEADER_BYTES);
    const described = describeRecord(record);
    expect(described).toBe(`MutationBatch (tx 1) "tab\\there" 0x${toHex(utf8('c1\u0085'))} 0xff`);
    expect(framesOf(bytes)).toEqual([[SEGMENT_HEADER_BYTES, frame.length, 2, described]]);
    const picture = drawFile({ path: '/wal/x.wal', bytes, cacheBytes: bytes, classes: new Uint8Array(bytes.length) }, { color: false, bytesPerCell: 16, cellsPerRow: 64 });
    expect(picture.at(-1)).toContain(described);
  });
});

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

describe('failures', () => {
  it('a corruption error is one line naming code, segment, offset and LSN, and maps to exit code 1', () => {
    const failure = {
      kind: 'log',
      error: { code: 'Corruption', segment: '00000000000000000001.wal', offsetBytes: 123, lsn: 7, cause: 'bad-checksum' },
    } as const;
    const line = describeFailure(failure);
    expect(line).not.toContain('\n');
    expect(line).toContain('Corruption');
    expect(line).toContain('00000000000000000001.wal');
    expect(line).toContain('offset 123');
    expect(line).toContain('LSN 7');
    expect(exitCodeOf(failure)).toBe(1);
  });

  it('a directory without segments is a log problem, an unreadable path an I/O problem', () => {
    expect(exitCodeOf({ kind: 'no-segments', dir: '/x' })).toBe(1);
    expect(exitCodeOf({ kind: 'io', message: 'no such directory: /x' })).toBe(2);
  });
});
