// The copy of a point-in-time cut to its .cut file (src/quarantine-cut.ts), on cuts of more than
// one read chunk. The .cut file must hold exactly the damaged segment's bytes from the cut offset
// to its end, byte for byte; and it must be made a chunk at a time, so that a large segment never
// sits in memory whole: the source read in chunks of READ_CHUNK_BYTES from the cut offset, the
// last one short and none asking for bytes past the end, each chunk written once at its place in
// the .cut file, and no empty read or write at the end. The interesting sizes sit at and around a
// chunk boundary, with the cut at an offset that is no multiple of anything.

import { describe, expect, it } from 'vitest';
import { SimFileSystem } from '../../crash-sim/index.js';
import { EffectRunner } from '../../src/effect-runner.js';
import { quarantineCut } from '../../src/quarantine-cut.js';
import { chunkBoundaryCases, loggingFs, sameBytes, type IoCall } from './io-log.js';

const DIR = '/wal';
const FROM = 'damaged';
const TO = 'damaged.cut';

/** Bytes that differ from their neighbours and from zeros, so a misplaced range shows. */
function pattern(lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) bytes[i] = 1 + ((i * 7 + (i >>> 8)) % 251);
  return bytes;
}

describe('quarantineCut copies [offsetBytes, end) to the .cut file a chunk at a time', () => {
  const cutAt = 4097;
  // [bytes from the cut to the end, the chunks (offset in the .cut file, length) they are copied in]
  const cases: [string, number, [number, number][]][] = [['nothing (the cut at the end)', 0, []], ...chunkBoundaryCases()];
  for (const [what, cutBytes, chunks] of cases) {
    it(`${what}: the .cut file holds the cut bytes exactly, each read and written once`, async () => {
      const sim = new SimFileSystem();
      sim.mkdirp(DIR);
      const source = pattern(cutAt + cutBytes);
      const handle = sim.open(`${DIR}/${FROM}`, 'create-exclusive');
      handle.write(source, 0);
      handle.close();
      const { fs, log } = loggingFs(sim);
      const runner = new EffectRunner(fs, DIR);

      await quarantineCut(runner, { tail: { from: FROM, offsetBytes: cutAt, to: TO }, effects: [] });
      runner.closeAll();

      expect(sameBytes(sim.readFile(`${DIR}/${TO}`), source.subarray(cutAt))).toBe(true);
      expect(sameBytes(sim.readFile(`${DIR}/${FROM}`), source)).toBe(true);
      const expected: IoCall[] = [
        { op: 'open', path: `${DIR}/${FROM}`, mode: 'read-write' },
        { op: 'open', path: `${DIR}/${TO}`, mode: 'create-exclusive' },
        ...chunks.flatMap(([offsetBytes, lengthBytes]): IoCall[] => [
          { op: 'read', path: `${DIR}/${FROM}`, offsetBytes: cutAt + offsetBytes, lengthBytes },
          { op: 'write', path: `${DIR}/${TO}`, offsetBytes, lengthBytes },
        ]),
      ];
      expect(log).toEqual(expected);
    });
  }
});
