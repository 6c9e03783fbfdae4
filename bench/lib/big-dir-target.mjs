// The crash-test target of bench/cases/crash-test-big-dir.ts: a program whose data directory is
// mostly files it never touches (the initial directory, ~100 MB), a log it appends to, and pages
// it rewrites inside one big initial file, as a database updates pages of its tables in place.
//
//   node big-dir-target.mjs fill <dir> <MiB>       the initial directory (run before the trace)
//   node big-dir-target.mjs workload <dir> <n>     n records: log append + fdatasync, ACK <i>;
//                                                  every 4th, a 4 KiB page of bulk/0 rewritten + fsync
//   node big-dir-target.mjs check <state> <id>...  every acknowledged record is in the log
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir, ...rest] = process.argv.slice(2);
const MiB = 1024 * 1024;

if (mode === 'fill') {
  mkdirSync(join(dir, 'bulk'), { recursive: true });
  const total = Number(rest[0] ?? 100);
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < total / 4; i++) {
    const fd = openSync(join(dir, 'bulk', String(i)), 'w');
    for (let m = 0; m < 4; m++) {
      for (let at = 0; at < MiB; at += 4) chunk.writeUInt32LE((i * 4 + m) * MiB + at, at);
      writeSync(fd, chunk);
    }
    closeSync(fd);
  }
  writeFileSync(join(dir, 'log'), '');
} else if (mode === 'workload') {
  const log = openSync(join(dir, 'log'), 'a');
  const bulk = openSync(join(dir, 'bulk', '0'), 'r+');
  for (let i = 1; i <= Number(rest[0] ?? 20); i++) {
    writeSync(log, `record ${i}\n`);
    fdatasyncSync(log);
    if (i % 4 === 0) {
      writeSync(bulk, Buffer.alloc(4096, i), 0, 4096, i * 65536);
      fsyncSync(bulk);
    }
    writeSync(1, `ACK ${i}\n`);
  }
} else if (mode === 'check') {
  const records = new Set(readFileSync(join(dir, 'log'), 'utf8').split('\n'));
  const missing = rest.filter((id) => !records.has(`record ${id}`));
  if (missing.length > 0) {
    process.stdout.write(`records ${missing.join(' ')} acknowledged, not in the log\nan acknowledged record was lost\n`);
    process.exit(1);
  }
} else {
  process.stderr.write('usage: big-dir-target.mjs fill|workload|check <dir> ...\n');
  process.exit(2);
}
