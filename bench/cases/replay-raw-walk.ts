// The replay limit: read every segment in large chunks, walk the frames (length, checksum, salt,
// body) and verify each frame's CRC-32C and salt with the same pure-JS checksum walref uses, and
// nothing else: no records decoded, no transactions assembled, no events copied, nothing behind the
// end of the live frames looked at. walref's replay does all of that on top, so this is the
// ceiling it is measured against. Its figure is the bytes of live frames (headers included) per
// second, the same numerator the walref replay cases use.

import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { crc32cOfRange } from '../../src/core/crc32c.js';
import { FRAME_BODY_BYTES_MAX, FRAME_BODY_BYTES_MIN, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { baseParamsSchema, emitResult, emitUnavailable, peakRssMiB, readParams } from '../lib/case-io.js';

const params = readParams(baseParamsSchema.extend({ logDir: z.string() }));
/** Read size: large enough that system calls cost nothing next to the checksum work. */
const CHUNK_BYTES = 4 * 1024 * 1024;

interface WalkTotals {
  frames: number;
  /** Bytes of headers and live frames. */
  bytes: number;
  /** Bytes read from the files. */
  readBytes: number;
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
    let salt = 0;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, fileOffset);
      fileOffset += read;
      filled += read;
      totals.readBytes += read;
      if (!headerChecked) {
        if (filled < SEGMENT_HEADER_BYTES) return;
        if (crc32cOfRange(buffer, 0, 40) !== u32At(buffer, 40)) throw new Error(`${path}: bad segment header`);
        salt = u32At(buffer, 28);
        headerChecked = true;
        totals.bytes += SEGMENT_HEADER_BYTES;
      }
      while (at + FRAME_HEADER_BYTES <= filled) {
        const bodyBytes = u32At(buffer, at);
        if (bodyBytes < FRAME_BODY_BYTES_MIN || bodyBytes > FRAME_BODY_BYTES_MAX || bodyBytes + FRAME_HEADER_BYTES > buffer.length) return;
        const end = at + FRAME_HEADER_BYTES + bodyBytes;
        if (end > filled) break;
        const crc = crc32cOfRange(buffer, at + 8, end, crc32cOfRange(buffer, at, at + 4));
        if (crc !== u32At(buffer, at + 4) || u32At(buffer, at + 8) !== salt) return;
        totals.frames += 1;
        totals.bytes += end - at;
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
  const totals: WalkTotals = { frames: 0, bytes: 0, readBytes: 0 };
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
      readBytes: totals.readBytes,
      frames: totals.frames,
      segments: segments.length,
      peakRssMiB: peakRssMiB(),
      cpuMicros: cpu.user + cpu.system,
    },
  });
}
