// crash-test workload for the JSON-file store:
//
//   node examples/crash-test/json-store/workload.mjs <dir> [--variant correct|no-file-fsync|no-dir-fsync] [--puts N]
//
// Puts key-1..key-N with value-1..value-N, printing "ACK <i>" (synchronously, on fd 1) once each
// put resolved: the store promised it is durable.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStore } from './store.mjs';

const VARIANTS = {
  correct: {},
  'no-file-fsync': { fsyncFile: false },
  'no-dir-fsync': { fsyncDir: false },
};
const { values, positionals } = parseArgs({ allowPositionals: true, options: { variant: { type: 'string', default: 'correct' }, puts: { type: 'string', default: '5' } } });
const [dir] = positionals;
if (dir === undefined || !(values.variant in VARIANTS)) {
  process.stderr.write(`usage: workload.mjs <dir> [--variant ${Object.keys(VARIANTS).join('|')}] [--puts N]\n`);
  process.exit(2);
}
const store = await openStore(dir, VARIANTS[values.variant]);
for (let i = 1; i <= Number(values.puts); i++) {
  await store.put(`key-${i}`, `value-${i}`);
  writeSync(1, `ACK ${i}\n`);
}
