// npm run test:seeds -- --runs N [--deep]
//
// Runs the generated-workload and model-based properties over N fresh seeds, one vitest process
// per seed (WALREF_SEED makes every property in it use that seed), and stops at the first
// failure, printing its seed and fast-check's report: the shrunk counterexample, its path, and
// the command that replays it. A green deep run means something only when it holds on several
// seeds; this is the way to show it. --deep runs each round at test:deep's budgets.

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

const PROPERTY_FILES = [
  'test/crash-recovery/generated-workloads.test.ts',
  'test/model-based/sim.test.ts',
  'test/model-based/node-fs.test.ts',
  'test/concurrency/group-commit.test.ts',
  'test/concurrency/call-order.test.ts',
];

function usage(message) {
  console.error(`test:seeds: ${message}\nusage: npm run test:seeds -- --runs N [--deep]   (N a whole number from 1 to 10000)`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string' }, deep: { type: 'boolean' } }, strict: true }));
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
if (values.runs === undefined) usage('--runs is required');
if (!/^\d+$/.test(values.runs) || Number(values.runs) < 1 || Number(values.runs) > 10_000) usage(`--runs must be a whole number from 1 to 10000; got ${JSON.stringify(values.runs)}`);
const runs = Number(values.runs);

const startedMs = Date.now();
for (let round = 1; round <= runs; round++) {
  // fast-check seeds are 32-bit integers.
  const seed = randomInt(0, 2 ** 31);
  const env = { ...process.env, WALREF_SEED: String(seed), ...(values.deep ? { WALREF_DEEP: '1' } : {}) };
  const roundStartedMs = Date.now();
  const child = spawnSync('npx', ['vitest', 'run', '--reporter=dot', ...PROPERTY_FILES], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = ((Date.now() - roundStartedMs) / 1000).toFixed(1);
  if (child.status !== 0) {
    console.log(`round ${round}/${runs}: seed ${seed} FAILED after ${seconds} s\n`);
    console.log(child.stdout);
    console.error(child.stderr);
    console.log(`\nreplay: WALREF_SEED=${seed}${values.deep ? ' WALREF_DEEP=1' : ''} npx vitest run ${PROPERTY_FILES.join(' ')}`);
    process.exit(1);
  }
  console.log(`round ${round}/${runs}: seed ${seed} green (${PROPERTY_FILES.length} files, ${seconds} s)`);
}
console.log(`${runs} seeds green in ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
