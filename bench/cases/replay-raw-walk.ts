// The replay limit: read every segment in large chunks, walk the frames (length, checksum, body)
// and verify each frame's CRC-32C with the same pure-JS function walref uses, and nothing else:
// no records decoded, no transactions assembled, no events copied. walref's replay does all of
// that on top, so this is the ceiling it is measured against.

import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { crc32cOfRange } from '../../src/core/crc32c.js';
import { FRAME_BODY_BYTES_MAX, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { baseParamsSchema, emitResult, emitUnavailable, peakRssMiB, readParams } from '../lib/case-io.js';

const params = readParams(baseParamsSchema.extend({ logDir: z.string() }));
/** Read size: large enough that system calls cost nothing next to the checksum work. */
const CHUNK_BYTES = 4 * 1024 * 1024;

interface WalkTotals {
  frames: number;
  bytes: number;
}

function u32At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * Walks one segment file. A frame may straddle two reads: its start is moved to the front of the
 * buffer and the next read fills in behind it. The walk stops at the first frame that does not
 * verify (a torn tail), as replay does.
 */
function walkSegment(path: string, buffer: Uint8Array, totals: WalkTotals): void {
  const fd = openSync(path, 'r');
  try {
    let filled = 0;
    let at = SEGMENT_HEADER_BYTES;
    let fileOffset = 0;
    let headerChecked = false;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, fileOffset);
      fileOffset += read;
      filled += read;
      totals.bytes += read;
      if (!headerChecked) {
        if (filled < SEGMENT_HEADER_BYTES) return;
        if (crc32cOfRange(buffer, 0, 28) !== u32At(buffer, 28)) throw new Error(`${path}: bad segment header`);
        headerChecked = true;
      }
      while (at + FRAME_HEADER_BYTES <= filled) {
        const bodyBytes = u32At(buffer, at);
        if (bodyBytes > FRAME_BODY_BYTES_MAX || bodyBytes + FRAME_HEADER_BYTES > buffer.length) return;
        const end = at + FRAME_HEADER_BYTES + bodyBytes;
        if (end > filled) break;
        const crc = crc32cOfRange(buffer, at + FRAME_HEADER_BYTES, end, crc32cOfRange(buffer, at, at + 4));
        if (crc !== u32At(buffer, at + 4)) return;
        totals.frames += 1;
        at = end;
      }
      if (read === 0) return;
      buffer.copyWithin(0, at, filled);
      filled -= at;
      at = 0;
    }
  } finally {
    closeSync(fd);
  }
}

let segments: string[];
try {
  segments = readdirSync(params.logDir)
    .filter((name) => name.endsWith('.wal'))
    .sort();
} catch {
  segments = [];
}
if (segments.length === 0) {
  emitUnavailable('replay-raw-walk', `no segments in ${params.logDir} (the replay log was not written)`);
} else {
  const buffer = new Uint8Array(CHUNK_BYTES);
  const totals: WalkTotals = { frames: 0, bytes: 0 };
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const name of segments) walkSegment(join(params.logDir, name), buffer, totals);
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  emitResult({
    case: 'replay-raw-walk',
    value: totals.bytes / (1024 * 1024) / (elapsedMs / 1000),
    unit: 'MiB/s',
    ops: totals.frames,
    elapsedMs,
    details: {
      logBytes: totals.bytes,
      frames: totals.frames,
      segments: segments.length,
      peakRssMiB: peakRssMiB(),
      cpuMicros: cpu.user + cpu.system,
    },
  });
}
