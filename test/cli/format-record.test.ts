// cli/format-record.ts: one record description, shared by the dump, the HTML report and the picture.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../cli/format-event.js';
import { describeRecord } from '../../cli/format-record.js';
import { framesOf } from '../../cli/html-report.js';
import { drawFile } from '../../cli/picture.js';
import { encodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { encodeSegmentHeader } from '../../src/core/segment-header.js';
import type { WalRecord } from '../../src/core/records.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

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
