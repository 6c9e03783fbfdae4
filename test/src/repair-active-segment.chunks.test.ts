// The in-place rewrite of the active segment (src/repair-active-segment.ts), on segments of more
// than one read chunk. The rewrite leaves the file's bytes as they were (it writes them again so
// that the fsync after it really writes them: src/core/recovery-plan.ts, "Why rewrite"), so what
// it must produce is its I/O: the bytes [0, rewriteBytes) read and written back in place, in
// chunks of READ_CHUNK_BYTES from offset 0, the last one short, each once; nothing at or past
// rewriteBytes, though the file holds more bytes there; no empty read or write at the end; and no
// file opened at all when nothing is to be rewritten. The interesting sizes sit at and around a
// chunk boundary.

import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/index.js';
import { EffectRunner } from '../../src/effect-runner.js';
import { READ_CHUNK_BYTES } from '../../src/log-reader.js';
import { repairActiveSegment } from '../../src/repair-active-segment.js';
import { chunkBoundaryCases, loggingFs, sameBytes, type IoCall } from './io-log.js';

const C = READ_CHUNK_BYTES;
const DIR = '/wal';
const SEGMENT = 'segment';
const PATH = `${DIR}/${SEGMENT}`;

/** Bytes that differ from their neighbours and from zeros, so a misplaced range shows. */
function pattern(lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = 1 + ((i * 7 + (i >>> 8)) % 251);
  return bytes;
}

/** A segment of `fileBytes` on a simulated disk, and a runner whose reads and writes are logged. */
function setUp(fileBytes: number): { sim: SimFileSystem; runner: EffectRunner; log: IoCall[]; before: Uint8Array } {
  const sim = new SimFileSystem();
  sim.mkdirp(DIR);
  const before = pattern(fileBytes);
  const handle = sim.open(PATH, 'create-exclusive');
  handle.write(before, 0);
  handle.close();
  const { fs, log } = loggingFs(sim);
  return { sim, runner: new EffectRunner(fs, DIR), log, before };
}

/** The reads and writes of a rewrite in these chunks: each chunk read, then written where it was read. */
function rewriteCalls(chunks: readonly (readonly [number, number])[]): IoCall[] {
  return chunks.flatMap(([offsetBytes, lengthBytes]) => [
    { op: 'read', path: PATH, offsetBytes, lengthBytes },
    { op: 'write', path: PATH, offsetBytes, lengthBytes },
  ]);
}

const open: IoCall = { op: 'open', path: PATH, mode: 'read-write' };

describe('repairActiveSegment rewrites [0, rewriteBytes) a chunk at a time', () => {
  // [rewriteBytes, the chunks (offset, length) it is rewritten in]
  const cases = chunkBoundaryCases();
  for (const [what, rewriteBytes, chunks] of cases) {
    it(`${what}: each chunk is read and written back in place once, and nothing past rewriteBytes`, async () => {
      // More bytes after rewriteBytes (a torn tail, or zeros of a preallocated segment) that a
      // read running past the end would find.
      const { sim, runner, log, before } = setUp(rewriteBytes + C + 3);
      await repairActiveSegment(runner, { before: [], rewriteFile: SEGMENT, rewriteBytes, after: [{ kind: 'fsync', file: SEGMENT }] });
      runner.closeAll();
      expect(log).toEqual([open, ...rewriteCalls(chunks)]);
      expect(sameBytes(sim.readFile(PATH), before)).toBe(true);
    });
  }

  it('a plan that rewrites nothing opens no file, and one with no file to rewrite runs only its effects', async () => {
    const { runner, log } = setUp(C + 1);
    await repairActiveSegment(runner, { before: [], rewriteFile: SEGMENT, rewriteBytes: 0, after: [] });
    expect(log).toEqual([]);
    await repairActiveSegment(runner, { before: [{ kind: 'write', file: SEGMENT, offsetBytes: 0, data: Uint8Array.of(9) }], rewriteFile: null, rewriteBytes: 5, after: [] });
    runner.closeAll();
    expect(log).toEqual([open, { op: 'write', path: PATH, offsetBytes: 0, lengthBytes: 1 }]);
  });
});
