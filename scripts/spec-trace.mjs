// npm run spec:trace -- <file.ndjson>: checks that a trace (docs/trace-format.md) is a behaviour
// of spec/Wal.tla by running TLC on spec/TraceWal.tla. Exit 0: accepted; 1: rejected or not a
// trace; 2: no TLC to run (no TLA2TOOLS_JAR and no Docker engine), so nothing was checked.

import { resolve } from 'node:path';
import { checkTrace, findRunner, formatSummary, readTrace, SKIP_MESSAGE, violationLines } from './spec-tlc.mjs';

async function main() {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: npm run spec:trace -- <file.ndjson>');
    return 1;
  }
  // A malformed file is rejected with its line number whether or not TLC is at hand.
  readTrace(resolve(file));
  const runner = await findRunner();
  if (runner === null) {
    console.log(`spec:trace skipped: ${SKIP_MESSAGE}`);
    return 2;
  }
  const result = checkTrace(runner, resolve(file));
  const accepted = result.exitCode === 0;
  console.log(`${accepted ? 'accepted' : 'REJECTED'}: ${file}; ${formatSummary(result.summary)}`);
  if (!accepted) {
    const lines = violationLines(result.output);
    console.log(lines.length > 0 ? lines.join('\n') : result.output);
  }
  return accepted ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`spec:trace: ${error.message}`);
    process.exit(1);
  },
);
