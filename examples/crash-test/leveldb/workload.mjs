// crash-test target: LevelDB 1.20, through classic-level.
//
//   node examples/crash-test/leveldb/workload.mjs <dir> [--puts N] [--value-bytes B] [--write-buffer B]
//
// Opens a database in <dir>/db, puts N keys with { sync: true } (printing "ACK <i>" once each put
// returned), closes it, reopens it (LevelDB then writes a new MANIFEST and points CURRENT at it
// through CURRENT's temp file and a rename) and puts N more. A small write buffer makes the
// memtable flush to a table file and the log roll over within a few puts.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClassicLevel } from 'classic-level';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { puts: { type: 'string', default: '3' }, 'value-bytes': { type: 'string', default: '100' }, 'write-buffer': { type: 'string', default: '4096' } },
});
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write('usage: workload.mjs <dir> [--puts N] [--value-bytes B] [--write-buffer B]\n');
  process.exit(2);
}
const puts = Number(values.puts);
const valueOf = (i) => `v${i}-`.padEnd(Number(values['value-bytes']), 'x');
const options = { writeBufferSize: Number(values['write-buffer']), compression: false };
let id = 0;
for (let round = 0; round < 2; round++) {
  const db = new ClassicLevel(`${dir}/db`, options);
  await db.open();
  for (let i = 0; i < puts; i++) {
    id++;
    await db.put(`key-${id}`, valueOf(id), { sync: true });
    writeSync(1, `ACK ${id}\n`);
  }
  await db.close();
}
