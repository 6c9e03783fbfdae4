// The worked examples of docs/format.md, built with the real codec, and the two renderings the
// document shows of each (a hexdump and a frame-by-frame listing): a v1 segment, and a v2 segment
// reused from an earlier life; and the example MANIFEST. format-doc.test.ts checks that the
// document's copies equal what these functions print.
import { encodeFrame, encodeFrameV1 } from '../../../src/core/codec.js';
import { crc32c } from '../../../src/core/crc32c.js';
import { encodeManifest, type Manifest } from '../../../src/core/manifest.js';
import type { WalRecord } from '../../../src/core/records.js';
import { encodeSegmentHeader, segmentSalt } from '../../../src/core/segment-header.js';
import { concat, text } from './log-builder.js';

/** One committed transaction (LSN 1-3), one aborted (4-6), one checkpoint marker (7). */
export const exampleRecords: readonly WalRecord[] = [
  { kind: 'TxBegin', lsn: 1 },
  { kind: 'MutationBatch', lsn: 2, txBeginLsn: 1, events: [text('alice'), text('bob')] },
  { kind: 'TxCommit', lsn: 3, txBeginLsn: 1 },
  { kind: 'TxBegin', lsn: 4 },
  { kind: 'Mutation', lsn: 5, txBeginLsn: 4, event: text('carol') },
  { kind: 'TxAbort', lsn: 6, txBeginLsn: 4 },
  { kind: 'Checkpoint', lsn: 7, snapshotLsn: 3 },
];

export const exampleHeader = encodeSegmentHeader({ segmentId: 1, baseLsn: 1, version: 1 });
export const exampleSegment: Uint8Array = concat([exampleHeader, ...exampleRecords.map(encodeFrameV1)]);

// ---- the v2 example: a reused segment ---------------------------------------------------------

/** Segment 1's salt in its first life, and segment 3's: the same file reused. */
export const oldSalt = segmentSalt(1, 1);
export const reusedSalt = segmentSalt(3, 20);

/** The file's first life: segment 1 (base 1) with the v1 example's records, in v2 frames. */
export const oldLife: Uint8Array = concat([encodeSegmentHeader({ segmentId: 1, baseLsn: 1, salt: oldSalt }), ...exampleRecords.map((r) => encodeFrame(r, oldSalt))]);

/** Its new life as segment 3: base LSN 20, previous end 312, one committed transaction. */
export const reusedRecords: readonly WalRecord[] = [
  { kind: 'TxBegin', lsn: 20 },
  { kind: 'MutationBatch', lsn: 21, txBeginLsn: 20, events: [text('hello, dave!')] },
  { kind: 'TxCommit', lsn: 22, txBeginLsn: 20 },
];
export const reusedHeader = encodeSegmentHeader({ segmentId: 3, baseLsn: 20, salt: reusedSalt, previousEnd: 312 });

/** The reused file: the new header and frames written over the old life's bytes. */
export const reusedSegment: Uint8Array = (() => {
  const bytes = oldLife.slice();
  bytes.set(concat([reusedHeader, ...reusedRecords.map((r) => encodeFrame(r, reusedSalt))]), 0);
  return bytes;
})();

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** `hexdump -C` layout: offset, 16 bytes in two groups of 8, printable ASCII. */
export function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const left = hex(row.subarray(0, 8));
    const right = hex(row.subarray(8, 16));
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n');
}

function describe(record: WalRecord): string {
  switch (record.kind) {
    case 'TxBegin':
      return `TxBegin lsn=${record.lsn}`;
    case 'Mutation':
      return `Mutation lsn=${record.lsn} tx=${record.txBeginLsn} event="${new TextDecoder().decode(record.event)}"`;
    case 'MutationBatch':
      return `MutationBatch lsn=${record.lsn} tx=${record.txBeginLsn} events=[${record.events.map((e) => `"${new TextDecoder().decode(e)}"`).join(', ')}]`;
    case 'TxCommit':
    case 'TxAbort':
      return `${record.kind} lsn=${record.lsn} tx=${record.txBeginLsn}`;
    case 'Checkpoint':
      return `Checkpoint lsn=${record.lsn} snapshot=${record.snapshotLsn}`;
  }
}

/** The body's fields after kind and LSN, one line each. */
function payloadLines(record: WalRecord, body: Uint8Array): string[] {
  const pad = '              ';
  switch (record.kind) {
    case 'TxBegin':
      return [];
    case 'TxCommit':
    case 'TxAbort':
      return [`${pad}txBeginLsn ${hex(body.subarray(9, 17))}`];
    case 'Checkpoint':
      return [`${pad}snapshotLsn ${hex(body.subarray(9, 17))}`];
    case 'Mutation':
      return [`${pad}txBeginLsn ${hex(body.subarray(9, 17))}`, `${pad}event ${hex(body.subarray(17))} ("${new TextDecoder().decode(body.subarray(17))}")`];
    case 'MutationBatch': {
      const lines = [`${pad}txBeginLsn ${hex(body.subarray(9, 17))}  count ${hex(body.subarray(17, 21))}`];
      let at = 21;
      for (const event of record.events) {
        const bytes = body.subarray(at + 4, at + 4 + event.length);
        lines.push(`${pad}entry length ${hex(body.subarray(at, at + 4))}  bytes ${hex(bytes)} ("${new TextDecoder().decode(bytes)}")`);
        at += 4 + event.length;
      }
      return lines;
    }
  }
}

/** Each part of the v1 segment on its own lines: the header fields, then every frame's fields. */
export function frameListing(): string {
  const h = exampleHeader;
  const lines = [
    `0x0000 header  magic ${hex(h.subarray(0, 8))}  version ${hex(h.subarray(8, 12))}`,
    `               segmentId ${hex(h.subarray(12, 20))}  baseLsn ${hex(h.subarray(20, 28))}`,
    `               crc32c ${hex(h.subarray(28, 32))}`,
  ];
  let at = h.length;
  for (const record of exampleRecords) {
    const frame = encodeFrameV1(record);
    lines.push(`0x${at.toString(16).padStart(4, '0')} ${describe(record)}`);
    lines.push(`       length ${hex(frame.subarray(0, 4))}  crc32c ${hex(frame.subarray(4, 8))}`);
    const body = frame.subarray(8);
    lines.push(`       body   kind ${hex(body.subarray(0, 1))}  lsn ${hex(body.subarray(1, 9))}`);
    lines.push(...payloadLines(record, body));
    at += frame.length;
  }
  lines.push(`0x${at.toString(16).padStart(4, '0')} end of segment (${at} bytes)`);
  return lines.join('\n');
}

/** The reused v2 segment's header, its live frames, and the first stale frame after them, field by field. */
export function reusedListing(): string {
  const h = reusedHeader;
  const lines = [
    `0x0000 header  magic ${hex(h.subarray(0, 8))}  version ${hex(h.subarray(8, 12))}`,
    `               segmentId ${hex(h.subarray(12, 20))}  baseLsn ${hex(h.subarray(20, 28))}`,
    `               salt ${hex(h.subarray(28, 32))}  previousEnd ${hex(h.subarray(32, 40))}`,
    `               crc32c ${hex(h.subarray(40, 44))}`,
  ];
  let at = h.length;
  const frameLines = (record: WalRecord, salt: number, label: string): void => {
    const frame = encodeFrame(record, salt);
    lines.push(`0x${at.toString(16).padStart(4, '0')} ${label}${describe(record)}`);
    lines.push(`       length ${hex(frame.subarray(0, 4))}  crc32c ${hex(frame.subarray(4, 8))}  salt ${hex(frame.subarray(8, 12))}`);
    const body = frame.subarray(12);
    lines.push(`       body   tag ${hex(body.subarray(0, 1))}  lsn ${hex(body.subarray(1, 9))}`);
    lines.push(...payloadLines(record, body));
    at += frame.length;
  };
  for (const record of reusedRecords) frameLines(record, reusedSalt, '');
  lines.push(`0x${at.toString(16).padStart(4, '0')} end of the live frames: the next frame's checksum is good, its salt is segment 1's`);
  frameLines(exampleRecords[3]!, oldSalt, 'stale: ');
  lines.push(`       ... segment 1's frames up to 0x${reusedSegment.length.toString(16).padStart(4, '0')} (${reusedSegment.length} bytes)`);
  return lines.join('\n');
}
// ---- the MANIFEST of docs/format.md ----------------------------------------------------------

/** The two snapshots the example MANIFEST names: their bytes, as the host handed them over. */
export const exampleSnapshotBytes = { live: text('{"alice":10,"bob":-10}'), older: text('{"alice":0}') };

/** Epoch 2, needing segments from 3 on, live snapshot 2 at LSN 12, older snapshot 1 at LSN 3. */
export const exampleManifest: Manifest = {
  epoch: 2,
  firstSegmentId: 3,
  snapshots: [
    { id: 2, lsn: 12, sizeBytes: exampleSnapshotBytes.live.length, crc32c: crc32c(exampleSnapshotBytes.live) },
    { id: 1, lsn: 3, sizeBytes: exampleSnapshotBytes.older.length, crc32c: crc32c(exampleSnapshotBytes.older) },
  ],
};

export const exampleManifestBytes: Uint8Array = encodeManifest(exampleManifest);
