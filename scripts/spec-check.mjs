// npm run spec:check [-- name ...]: SANY on every module of spec/, then TLC on every model and
// on the committed traces. A model that must pass must pass; a model that must fail must fail
// for the stated reason (a parse error is not the planted bug being caught). Prints TLC's
// figures per model. Without TLA2TOOLS_JAR and without a Docker engine it says so and exits 0,
// so that `.ci/run` can call it everywhere.

import { join } from 'node:path';
import { checkTrace, findRunner, formatSummary, sany, SKIP_MESSAGE, specDir, tlc, violationLines } from './spec-tlc.mjs';

const modules = ['Wal.tla', 'MCWal.tla', 'TraceWal.tla', 'Recycle.tla', 'MCRecycle.tla', 'Manifest.tla', 'MCManifest.tla'];

/** Every check, with what TLC must report: exit 0, or the exit code and line of the failure. */
const checks = [
  { name: 'MCWal', run: (r) => tlc(r, 'MCWal.tla', 'MCWal.cfg'), expect: { exitCode: 0 } },
  { name: 'MCWalGroup', run: (r) => tlc(r, 'MCWal.tla', 'MCWalGroup.cfg'), expect: { exitCode: 0 } },
  {
    name: 'MCWalAckBeforeFsync',
    run: (r) => tlc(r, 'MCWal.tla', 'MCWalAckBeforeFsync.cfg'),
    expect: { exitCode: 12, line: /Invariant DurabilityInv is violated/ },
  },
  {
    name: 'MCWalRepairTruncates',
    run: (r) => tlc(r, 'MCWal.tla', 'MCWalRepairTruncates.cfg'),
    expect: { exitCode: 12, line: /Invariant DurabilityInv is violated/ },
  },
  {
    name: 'MCWalNoFlusher',
    run: (r) => tlc(r, 'MCWal.tla', 'MCWalNoFlusher.cfg'),
    expect: { exitCode: 13, line: /Temporal property EventuallyDurable was violated/ },
  },
  { name: 'MCRecycle', run: (r) => tlc(r, 'MCRecycle.tla', 'MCRecycle.cfg'), expect: { exitCode: 0 } },
  {
    name: 'MCRecycleNoSalt',
    run: (r) => tlc(r, 'MCRecycle.tla', 'MCRecycleNoSalt.cfg'),
    expect: { exitCode: 12, line: /Invariant StaleNeverReplayedInv is violated/ },
  },
  {
    name: 'MCRecycleKeepRemains',
    run: (r) => tlc(r, 'MCRecycle.tla', 'MCRecycleKeepRemains.cfg'),
    expect: { exitCode: 12, line: /Invariant NoResurrectionInv is violated/ },
  },
  { name: 'MCManifest', run: (r) => tlc(r, 'MCManifest.tla', 'MCManifest.cfg'), expect: { exitCode: 0 } },
  ...[
    ['MCManifestDeleteBeforeCommit', 'OneEpochInv'],
    ['MCManifestUnsyncedSnapshot', 'OneEpochInv'],
    ['MCManifestNoDirFsync', 'EpochDurabilityInv'],
  ].map(([name, invariant]) => ({
    name,
    run: (r) => tlc(r, 'MCManifest.tla', `${name}.cfg`),
    expect: { exitCode: 12, line: new RegExp(`Invariant ${invariant} is violated`) },
  })),
  { name: 'TraceWal good.ndjson', run: (r) => checkTrace(r, join(specDir, 'traces', 'good.ndjson')), expect: { exitCode: 0 } },
  ...['bad.ndjson', 'bad-fsyncgate.ndjson'].map((file) => ({
    name: `TraceWal ${file}`,
    run: (r) => checkTrace(r, join(specDir, 'traces', file)),
    expect: { exitCode: 10, line: /Postcondition TraceAccepted .* is false/ },
  })),
];

function verdict(result, expect) {
  if (result.exitCode !== expect.exitCode) return false;
  return expect.line === undefined || expect.line.test(result.output);
}

async function main() {
  const runner = await findRunner();
  if (runner === null) {
    console.log(`spec:check skipped: ${SKIP_MESSAGE}`);
    return 0;
  }
  console.log(`spec:check: TLC from ${runner.kind === 'java' ? runner.jar : `Docker with ${runner.jar}`}`);
  for (const module of modules) {
    const error = sany(runner, module);
    if (error !== null) {
      console.log(`SANY ${module}: FAILED\n${error}`);
      return 1;
    }
    console.log(`SANY ${module}: ok`);
  }
  const only = process.argv.slice(2);
  let failures = 0;
  for (const check of checks.filter((c) => only.length === 0 || only.some((name) => c.name.startsWith(name)))) {
    const result = check.run(runner);
    const mustPass = check.expect.exitCode === 0;
    const ok = verdict(result, check.expect);
    const outcome = result.exitCode === 0 ? 'passed' : `failed (exit ${result.exitCode})`;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${check.name}: ${outcome}, must ${mustPass ? 'pass' : 'fail'}; ${formatSummary(result.summary)}`);
    for (const line of violationLines(result.output)) console.log(`       ${line}`);
    if (!ok) {
      failures += 1;
      console.log(result.output);
    }
  }
  console.log(failures === 0 ? 'spec:check: every model behaved as expected' : `spec:check: ${failures} model(s) did not`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`spec:check: ${error.message}`);
    process.exit(1);
  },
);
