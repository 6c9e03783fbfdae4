#!/usr/bin/env node
// Runs one crash-test target of examples/crash-test/ under every knob combination (ordered ×
// safeAppend × dirSync × mkdirSync, 512-byte sectors): the workload is captured once, and every
// combination checks the same capture, a state's verdict shared between combinations (the checker
// is a function of the state directory and the acknowledged ids). One JSON line per combination
// on standard output, then a Markdown table on standard error; docs/oracle.md §3 has the results.
//
//   npm run build && node scripts/crash-test-matrix.mjs <target> [--max-states N] [--jobs J]
//
// Targets: walref, sqlite-full, sqlite-normal, leveldb, redis-always, redis-everysec, postgres,
// etcd. Needs strace and each target's program (see examples/crash-test/README.md).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeKnobs, resolveKnobs } from '../dist/crash-sim/knobs.js';
import { captureRun, checkCaptured } from '../dist/oracle/crash-test/run.js';

const root = join(import.meta.dirname, '..');
const ex = (target, file) => `node ${join(root, 'examples', 'crash-test', target, file)}`;

/** What each target runs: (dir) → { workload, check, init? }. */
const TARGETS = {
  walref: (d) => ({ workload: `${ex('walref', 'workload.mjs')} ${d} --txs 5 --segment-bytes 160`, check: ex('walref', 'check.mjs') }),
  'sqlite-full': (d) => ({ workload: `${ex('sqlite', 'workload.mjs')} ${d} --synchronous FULL --rows 3`, check: ex('sqlite', 'check.mjs') }),
  'sqlite-normal': (d) => ({ workload: `${ex('sqlite', 'workload.mjs')} ${d} --synchronous NORMAL --rows 3`, check: ex('sqlite', 'check.mjs') }),
  leveldb: (d) => ({ workload: `${ex('leveldb', 'workload.mjs')} ${d} --puts 2`, check: ex('leveldb', 'check.mjs') }),
  'redis-always': (d) => ({ workload: `${ex('redis', 'workload.mjs')} ${d} --appendfsync always --sets 3`, check: ex('redis', 'check.mjs') }),
  'redis-everysec': (d) => ({ workload: `${ex('redis', 'workload.mjs')} ${d} --appendfsync everysec --sets 3`, check: ex('redis', 'check.mjs') }),
  postgres: (d) => ({ workload: `${ex('postgres', 'workload.mjs')} ${d}`, check: ex('postgres', 'check.mjs'), init: `${ex('postgres', 'init.mjs')} ${d}` }),
  etcd: (d) => ({ workload: `${ex('etcd', 'workload.mjs')} ${d}`, check: ex('etcd', 'check.mjs') }),
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'max-states': { type: 'string', default: '200' }, jobs: { type: 'string' }, 'timeout-ms': { type: 'string', default: '120000' } } });
const name = positionals[0];
const target = TARGETS[name];
if (target === undefined) {
  process.stderr.write(`usage: crash-test-matrix.mjs <${Object.keys(TARGETS).join('|')}> [--max-states N] [--jobs J]\n`);
  process.exit(2);
}
const parent = mkdtempSync(join(tmpdir(), 'walref-matrix-'));
// PostgreSQL's initdb and server run as the postgres user, who must be able to reach the directory.
chmodSync(parent, 0o755);
const dir = join(parent, 'data');
const { workload, check, init } = target(dir);
const rows = [];
let run;
try {
  run = await captureRun(dir, workload, init === undefined ? {} : { init });
  const verdicts = new Map();
  for (const ordered of [true, false])
    for (const safeAppend of [true, false])
      for (const dirSync of [true, false])
        for (const mkdirSync of [false, true]) {
          const knobs = resolveKnobs({ ordered, safeAppend, dirSync, mkdirSync });
          const started = performance.now();
          const result = await checkCaptured(run, { check, knobs, maxStates: Number(values['max-states']), seed: 1, timeoutMs: Number(values['timeout-ms']), verdicts, ...(values.jobs === undefined ? {} : { jobs: Number(values.jobs) }) });
          const row = {
            target: name,
            knobs: describeKnobs(knobs),
            calls: result.history.ops.filter((op) => op.kind !== 'mark' && op.kind !== 'crash').length,
            acks: result.acks,
            crashPoints: result.crashPoints,
            crashStates: result.crashStates,
            exhaustive: result.exhaustive,
            spaceTotal: result.spaceTotal,
            seconds: Math.round((performance.now() - started) / 100) / 10,
            peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
            unmodelled: result.unmodelled.length,
            violations: result.violations.map((v) => ({ reason: v.reason, count: v.count, example: v.example, ...(v.exampleDetail === undefined ? {} : { detail: v.exampleDetail }) })),
          };
          rows.push(row);
          process.stdout.write(`${JSON.stringify(row)}\n`);
        }
} finally {
  run?.dispose();
  rmSync(parent, { recursive: true, force: true });
}
process.stderr.write('| knobs | states | exhaustive | violations |\n| --- | --- | --- | --- |\n');
for (const r of rows) process.stderr.write(`| ${r.knobs} | ${r.crashStates} | ${r.exhaustive ? 'yes' : 'sampled'} | ${r.violations.map((v) => `${v.count} × ${v.reason}`).join('; ') || 'none'} |\n`);
