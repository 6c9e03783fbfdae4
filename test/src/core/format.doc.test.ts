import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32cOfRange } from '../../../src/core/crc32c.js';
import { readU32, writeU32 } from '../../../src/core/codec.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, LOCK_FILE_NAME, RecordKind, SEGMENT_HEADER_BYTES } from '../../../src/core/format.js';
import { decodeManifest, MANIFEST_FIXED_BYTES, MANIFEST_SNAPSHOT_BYTES, MANIFEST_SNAPSHOTS_MAX } from '../../../src/core/manifest.js';
import { POLICIES, RECOVERY_DECISIONS } from '../../../src/core/replay-decision.js';
import { END_RULES } from '../../../src/core/replay-end.js';
import { RECOVERY_POLICIES, RECOVERY_POLICY_NAMES } from '../../../src/core/recovery-policy.js';
import { replay } from '../../../src/core/replay.js';
import { SCAN_CRC_BYTES_BUDGET } from '../../../src/core/replay-scan.js';
import { plainTransactions, text } from './log-builder.js';
import { exampleManifest, exampleManifestBytes, exampleSegment, frameListing, hexdump, oldLife, reusedListing, reusedSegment } from './worked-example.js';

/**
 * A planted reader that does not check the salt: it sees the bytes with every whole frame of an
 * earlier life re-stamped with the segment's salt (and its checksum fixed), which is all a
 * salt-blind decoder would need to take them for live frames.
 */
function saltBlind(segment: Uint8Array): Uint8Array {
  const bytes = segment.slice();
  const salt = readU32(bytes, 28);
  for (let at = SEGMENT_HEADER_BYTES; at + FRAME_HEADER_BYTES <= bytes.length; ) {
    const length = readU32(bytes, at);
    const end = at + FRAME_HEADER_BYTES + length;
    if (length < FRAME_BODY_BYTES_MIN || end > bytes.length) break;
    if (crc32cOfRange(bytes, at + 8, end, crc32cOfRange(bytes, at, at + 4)) !== readU32(bytes, at + 4)) break;
    writeU32(bytes, at + 8, salt);
    writeU32(bytes, at + 4, crc32cOfRange(bytes, at + 8, end, crc32cOfRange(bytes, at, at + 4)));
    at = end;
  }
  return bytes;
}

const doc = readFileSync(new URL('../../../docs/format.md', import.meta.url), 'utf8');

/** The fenced block that follows an HTML comment marker in the document. */
function blockAfter(marker: string): string {
  const at = doc.indexOf(`<!-- ${marker} -->`);
  expect(at, `marker ${marker} in docs/format.md`).toBeGreaterThanOrEqual(0);
  const match = /```\n([\s\S]*?)\n```/.exec(doc.slice(at));
  if (match?.[1] === undefined) throw new Error(`no fenced block after ${marker}`);
  return match[1];
}

describe('docs/format.md', () => {
  it("the reused-segment example's hexdump is exactly the codec's output", () => {
    expect(blockAfter('worked-example-v2:hexdump')).toBe(hexdump(reusedSegment));
  });

  it("the reused-segment example's field-by-field listing is exactly the codec's output", () => {
    expect(blockAfter('worked-example-v2:listing')).toBe(reusedListing());
  });

  it('the reused segment replays as the document says: one transaction, maxLsn 22, the end stale at 143', () => {
    const result = replay({ segments: [{ name: '00000000000000000003.wal', id: 3, bytes: reusedSegment }], checkpointLsn: 0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(plainTransactions(result.value.transactions)).toEqual(plainTransactions([{ beginLsn: 20, commitLsn: 22, events: [text('hello, dave!')] }]));
    expect(result.value.maxLsn).toBe(22);
    expect(result.value.end).toMatchObject({ offsetBytes: 143, kind: 'stale' });
    expect(result.value.tornTail).toBeNull();
  });

  it('the reused segment with its new frames lost replays nothing, its end stale at 44', () => {
    const lost = oldLife.slice();
    lost.set(reusedSegment.subarray(0, SEGMENT_HEADER_BYTES), 0);
    const result = replay({ segments: [{ name: '00000000000000000003.wal', id: 3, bytes: lost }], checkpointLsn: 0 });
    expect(result.ok && { n: result.value.transactions.length, maxLsn: result.value.maxLsn, end: result.value.end }).toEqual({
      n: 0,
      maxLsn: 0,
      end: { segment: '00000000000000000003.wal', segmentId: 3, offsetBytes: 44, kind: 'stale' },
    });
    const blind = replay({ segments: [{ name: '00000000000000000003.wal', id: 3, bytes: saltBlind(lost) }], checkpointLsn: 0 });
    expect(blind.ok ? null : blind.error).toMatchObject({ code: 'Malformed', offsetBytes: 44, lsn: 1, rule: 'lsn-below-segment-base' });
  });

  it('PlantedSaltBlindReaderReadsTheEarlierLifeAsRecords: what the salt check prevents', () => {
    const blind = replay({ segments: [{ name: '00000000000000000003.wal', id: 3, bytes: saltBlind(reusedSegment) }], checkpointLsn: 0 });
    expect(blind.ok ? null : blind.error).toMatchObject({ code: 'Malformed', offsetBytes: 0x8f, lsn: 4, rule: 'lsn-below-segment-base' });
  });

  it("the worked example's hexdump is exactly the codec's output", () => {
    expect(blockAfter('worked-example:hexdump')).toBe(hexdump(exampleSegment));
  });

  it("the worked example's field-by-field listing is exactly the codec's output", () => {
    expect(blockAfter('worked-example:listing')).toBe(frameListing());
  });

  it('the worked example replays as the document says: one transaction, maxLsn 7, snapshot 3', () => {
    const result = replay({ segments: [{ name: '00000000000000000001.wal', id: 1, bytes: exampleSegment }], checkpointLsn: 0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(plainTransactions(result.value.transactions)).toEqual(plainTransactions([{ beginLsn: 1, commitLsn: 3, events: [text('alice'), text('bob')] }]));
    expect(result.value.maxLsn).toBe(7);
    expect(result.value.checkpointObserved).toBe(3);
  });

  it('the worked example cut at 0x70 and 0x80 gives the torn tails the document describes', () => {
    const cut = (at: number) => replay({ segments: [{ name: 's', id: 1, bytes: exampleSegment.subarray(0, at) }], checkpointLsn: 0 });
    const at70 = cut(0x70);
    expect(at70.ok && { n: at70.value.transactions.length, maxLsn: at70.value.maxLsn, tail: at70.value.tornTail }).toMatchObject({
      n: 0,
      maxLsn: 2,
      tail: { offsetBytes: 94, droppedBytes: 18, cause: 'truncated-body' },
    });
    const at80 = cut(0x80);
    expect(at80.ok && { n: at80.value.transactions.length, maxLsn: at80.value.maxLsn, tail: at80.value.tornTail }).toMatchObject({
      n: 1,
      maxLsn: 3,
      tail: { offsetBytes: 119, droppedBytes: 9, cause: 'truncated-body' },
    });
  });

  it('states the constants of src/core/format.ts', () => {
    expect(doc).toContain(`| \`SEGMENT_HEADER_BYTES\` | ${SEGMENT_HEADER_BYTES} |`);
    expect(doc).toContain(`| \`FRAME_HEADER_BYTES\` | ${FRAME_HEADER_BYTES} |`);
    expect(doc).toContain(`| \`FRAME_BODY_BYTES_MIN\` | ${FRAME_BODY_BYTES_MIN} |`);
    expect(doc).toContain(`| \`FRAME_BODY_BYTES_MAX\` | ${FRAME_BODY_BYTES_MAX} (64 MiB) |`);
    for (const [name, kind] of Object.entries(RecordKind)) expect(doc).toContain(`| ${kind} | ${name} |`);
    expect(doc).toContain(`| \`${LOCK_FILE_NAME}\` | the writer's exclusive lock`);
  });

  it("states the scan's checksum budget behind the end (src/core/replay-scan.ts)", () => {
    expect(doc).toContain(`at most\n${SCAN_CRC_BYTES_BUDGET / 2 ** 20} MiB are checksummed.`);
  });

  it('lists every row of the recovery decision table by its label', () => {
    for (const row of RECOVERY_DECISIONS) expect(doc).toContain(`| ${row.label.split(' ')[0]} |`);
  });

  it('names src/core/replay-end.ts, where the mapping of ends to findings is kept as data', () => {
    expect(doc).toContain('src/core/replay-end.ts');
    expect(END_RULES.length).toBeGreaterThan(0);
  });

  it('states the decision table row by row, one column per recovery policy, as the code has it', () => {
    const table = doc.slice(doc.indexOf('<!-- recovery-decisions -->'));
    const header = table.split('\n')[1]!;
    expect(header).toContain(POLICIES.map((p) => `\`${p}\``).join(' | '));
    for (const row of RECOVERY_DECISIONS) {
      const id = row.label.split(' ')[0]!;
      const line = table.split('\n').find((l) => l.startsWith(`| ${id} |`));
      expect(line, id).toBeDefined();
      expect(line!.endsWith(`| ${POLICIES.map((p) => `\`${row.actions[p]}\``).join(' | ')} |`), `${id}: ${line}`).toBe(true);
    }
  });

  it('names every recovery policy in its section, with what it gives up', () => {
    const section = doc.slice(doc.indexOf('## Recovery policies'), doc.indexOf('## Versioning'));
    for (const policy of RECOVERY_POLICY_NAMES) expect(section).toContain(`| \`${policy}\``);
    // The exported contracts (RECOVERY_POLICIES, for hosts that list the policies) say both halves too.
    for (const contract of RECOVERY_POLICIES) {
      expect(contract.guarantee.split(' ').length, contract.policy).toBeGreaterThan(3);
      expect(contract.givesUp.length, contract.policy).toBeGreaterThan(0);
    }
  });

  it("the MANIFEST example's hexdump is exactly the codec's output, and decodes back to the example", () => {
    expect(blockAfter('manifest-example:hexdump')).toBe(hexdump(exampleManifestBytes));
    expect(decodeManifest(exampleManifestBytes)).toEqual({ ok: true, manifest: exampleManifest });
    expect(MANIFEST_FIXED_BYTES + 4).toBe(36);
    expect(MANIFEST_SNAPSHOT_BYTES).toBe(28);
    expect(doc).toContain(`1 to ${MANIFEST_SNAPSHOTS_MAX}`);
  });
});
