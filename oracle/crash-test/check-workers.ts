// A check function run in worker threads: the module at `checkModule` exports it (as `check`, or
// under the name given, or as its default export) and every worker imports the module once. The
// main thread materialises each crash state and posts its directory and ids; a worker calls the
// function and posts the verdict back. No process starts per state, and `jobs` workers check at
// once. A check that does not answer within the timeout has its worker terminated (a thread,
// unlike a function call, can be stopped) and replaced.
//
// The worker's code is a few lines of plain JavaScript evaluated from a string, so it runs the
// same from the TypeScript sources (under a test runner) and from dist/.

import { Worker } from 'node:worker_threads';
import { outcomeOfThrow, outcomeOfVerdict, timedOutOutcome, type Checker } from './checker.js';
import type { CheckOutcome } from './check.js';
import { CrashTestError } from './errors.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then((m) => {
  const name = workerData.exportName;
  const fn = m[name] !== undefined ? m[name] : name === 'check' ? m.default : undefined;
  if (typeof fn !== 'function') throw new Error('it exports no function named ' + name + (name === 'check' ? ' and no default function' : ''));
  parentPort.postMessage({ ready: true });
  parentPort.on('message', async (job) => {
    try {
      const verdict = await fn(job.stateDir, job.ids);
      parentPort.postMessage({ id: job.id, verdict: typeof verdict === 'object' && verdict !== null ? { ok: verdict.ok, reason: verdict.reason, detail: verdict.detail } : verdict });
    } catch (error) {
      parentPort.postMessage({ id: job.id, error: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined } });
    }
  });
}, (error) => parentPort.postMessage({ loadError: error instanceof Error ? error.message : String(error) }));
`;

interface Reply {
  readonly ready?: true;
  readonly loadError?: string;
  readonly id?: number;
  readonly verdict?: unknown;
  readonly error?: { readonly message: string; readonly stack?: string };
}

interface Slot {
  worker: Worker;
  /** Resolves when the worker has imported the module (or rejects with why it could not). */
  ready: Promise<void>;
  pending: ((reply: Reply) => void) | null;
}

function startWorker(url: string, exportName: string, modulePath: string): Slot {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, exportName } });
  worker.unref();
  const slot: Slot = { worker, ready: Promise.resolve(), pending: null };
  slot.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if (reply.ready === true) resolve();
      else if (reply.loadError !== undefined) reject(new CrashTestError('BadOption', `checkModule ${modulePath} cannot be used: ${reply.loadError}`));
      else slot.pending?.(reply);
    });
    worker.on('error', (error) => {
      reject(new CrashTestError('BadOption', `checkModule ${modulePath} cannot be used: ${error.message}`));
      slot.pending?.({ error: { message: error.message } });
    });
    worker.on('exit', () => slot.pending?.({ error: { message: 'the worker thread exited' } }));
  });
  return slot;
}

/**
 * `count` worker threads running the check function exported by the module at `url` (a file:
 * URL). Resolves once every worker has loaded the module; a module that cannot be loaded, or
 * exports no such function, is a BadOption error naming it.
 */
export async function workerChecker(url: string, modulePath: string, exportName: string, count: number): Promise<Checker> {
  const slots = Array.from({ length: Math.max(1, count) }, () => startWorker(url, exportName, modulePath));
  const idle: Slot[] = [];
  try {
    await Promise.all(slots.map((s) => s.ready));
  } catch (error) {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }
  idle.push(...slots);
  let nextId = 0;
  const ask = (slot: Slot, stateDir: string, ids: readonly string[], timeoutMs: number): Promise<CheckOutcome | null> =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        slot.pending = null;
        resolve(null);
      }, timeoutMs);
      slot.pending = (reply) => {
        if (reply.id !== undefined && reply.id !== id) return;
        clearTimeout(timer);
        slot.pending = null;
        resolve(reply.error !== undefined ? outcomeOfThrow(Object.assign(new Error(reply.error.message), { stack: reply.error.stack ?? reply.error.message })) : outcomeOfVerdict(reply.verdict));
      };
      slot.worker.postMessage({ id, stateDir, ids: [...ids] });
    });
  return {
    async check(stateDir, ids, timeoutMs) {
      const slot = idle.pop();
      if (slot === undefined) throw new Error('more checks at once than worker threads');
      const outcome = await ask(slot, stateDir, ids, timeoutMs);
      if (outcome !== null) {
        idle.push(slot);
        return outcome;
      }
      // Timed out: the thread is stopped and a fresh one takes its place.
      void slot.worker.terminate();
      const fresh = startWorker(url, exportName, modulePath);
      idle.push(fresh);
      await fresh.ready.catch(() => undefined);
      return timedOutOutcome(timeoutMs);
    },
    async close() {
      await Promise.all([...idle, ...slots].map((s) => s.worker.terminate()));
    },
  };
}
