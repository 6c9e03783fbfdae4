// `node --import tsx bench/io-candidates.ts [durationMs] [rounds]`: the four ways the node adapter could run
// a per-commit append (100 B write + fdatasync) without blocking the main thread, measured side by
// side with the synchronous loop, each beside a bystander `await setImmediate` loop. The figures
// chose the adapter (docs/performance.md, "Choosing the non-blocking adapter").

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const durationMs = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const dir = join(process.cwd(), 'bench', 'data', 'io-candidates');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const record = new Uint8Array(100).fill(7);

interface Figure {
  readonly candidate: string;
  readonly commitsPerS: number;
  readonly turnsPerS: number;
  readonly p99Ms: number;
}

/** Runs `commit` in a loop for durationMs beside a bystander; reports both rates. */
async function measure(candidate: string, commit: () => Promise<void>): Promise<Figure> {
  let commits = 0;
  let turns = 0;
  let stop = false;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const bystander = (async () => {
    while (!stop) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turns += 1;
    }
  })();
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    await commit();
    commits += 1;
  }
  const elapsedS = (performance.now() - start) / 1000;
  stop = true;
  await bystander;
  histogram.disable();
  return { candidate, commitsPerS: commits / elapsedS, turnsPerS: turns / elapsedS, p99Ms: histogram.percentile(99) / 1e6 };
}

const file = (name: string): string => join(dir, `${name}.log`);

/** One round: every candidate once, in a fixed order. */
async function round(): Promise<Figure[]> {
  const figures: Figure[] = [];

  {
    const fd = fs.openSync(file('sync'), 'w');
    figures.push(
      await measure('sync writeSync + fdatasyncSync', async () => {
        fs.writeSync(fd, record);
        fs.fdatasyncSync(fd);
      }),
    );
    fs.closeSync(fd);
  }
  {
    const fd = fs.openSync(file('callbacks'), 'w');
    figures.push(
      await measure('callbacks fs.write + fs.fdatasync', () =>
        new Promise<void>((resolve, reject) =>
          fs.write(fd, record, (e) => (e ? reject(e) : fs.fdatasync(fd, (e2) => (e2 ? reject(e2) : resolve())))),
        ),
      ),
    );
    fs.closeSync(fd);
  }
  {
    const handle = await fsp.open(file('filehandle'), 'w');
    figures.push(
      await measure('FileHandle write + datasync', async () => {
        await handle.write(record);
        await handle.datasync();
      }),
    );
    await handle.close();
  }
  {
    const fd = fs.openSync(file('split'), 'w');
    figures.push(
      await measure('writeSync (page cache) + fs.fdatasync callback', () => {
        fs.writeSync(fd, record);
        return new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      }),
    );
    fs.closeSync(fd);
  }
  {
    // A worker owns the file: the main thread posts the bytes, the worker writes and fdatasyncs.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const fs = require('node:fs');
       const fd = fs.openSync(workerData, 'w');
       parentPort.on('message', (m) => { fs.writeSync(fd, m); fs.fdatasyncSync(fd); parentPort.postMessage(0); });`,
      { eval: true, workerData: file('worker') },
    );
    let pending: (() => void) | null = null;
    worker.on('message', () => pending?.());
    figures.push(
      await measure('worker thread owns the file', () =>
        new Promise<void>((resolve) => {
          pending = resolve;
          worker.postMessage(record);
        }),
      ),
    );
    await worker.terminate();
  }


  return figures;
}

const byCandidate = new Map<string, Figure[]>();
for (let r = 0; r < rounds; r++) {
  for (const f of await round()) byCandidate.set(f.candidate, [...(byCandidate.get(f.candidate) ?? []), f]);
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const figures: Figure[] = [...byCandidate].map(([candidate, fs]) => ({
  candidate,
  commitsPerS: median(fs.map((f) => f.commitsPerS)),
  turnsPerS: median(fs.map((f) => f.turnsPerS)),
  p99Ms: median(fs.map((f) => f.p99Ms)),
}));
fs.rmSync(dir, { recursive: true, force: true });
console.log(`medians of ${rounds} interleaved rounds of ${durationMs} ms each`);
console.log('| candidate | commits/s | bystander turns/s | loop delay p99 |');
console.log('| --- | ---: | ---: | ---: |');
for (const f of figures) {
  console.log(`| ${f.candidate} | ${Math.round(f.commitsPerS)} | ${Math.round(f.turnsPerS)} | ${f.p99Ms.toFixed(2)} ms |`);
}
