// crashTest(): `walref crash-test` as a library call for Node programs (docs/oracle.md §5).
//
//   const report = await crashTest({ dir, workload: 'node workload.mjs /tmp/db', check: async (stateDir, ackedIds) => ... });
//
// The workload is still a command: strace needs a process to trace. The checker may be a command
// (one process per state, as the CLI runs it), a function called in this thread, or a module whose
// exported function runs in worker threads (`checkModule`): the last two start no process per
// state. The options are checked with zod here, at the boundary: a bad option is a CrashTestError
// with code BadOption naming it, never an exception from deep inside. The result is the report
// `walref crash-test --json` prints (report.ts), so shards run either way merge alike.

import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { resolveKnobs } from '../../crash-sim/knobs.js';
import { obtainRun } from './capture-store.js';
import { functionChecker, type CheckFunction, type Checker } from './checker.js';
import { workerChecker } from './check-workers.js';
import { CrashTestError } from './errors.js';
import { reportOf, type CrashTestReport } from './report.js';
import { checkCaptured } from './run.js';
import { isShard, parseShard, WHOLE_RUN, type Shard } from './shard.js';

const positive = z.number().int('must be a whole number').positive('must be positive');
const isFunction = (v: unknown): boolean => typeof v === 'function';

const optionsSchema = z
  .object({
    dir: z.string({ error: 'is required (the data directory)' }).min(1, 'must not be empty'),
    workload: z.string().min(1, 'must not be empty').optional(),
    init: z.string().min(1, 'must not be empty').optional(),
    fromCapture: z.string().min(1, 'must name a file').optional(),
    saveCapture: z.string().min(1, 'must name a file').optional(),
    check: z.union([z.string().min(1, 'must not be empty'), z.custom<CheckFunction>(isFunction)], { error: 'must be a command string or a function (stateDir, ackedIds) => verdict' }).optional(),
    checkModule: z.union([z.string().min(1, 'must name a module'), z.instanceof(URL)], { error: 'must be a path or a file: URL' }).optional(),
    checkExport: z.string().min(1, 'must name an export').optional(),
    knobs: z
      .object({ sectorBytes: positive.optional(), ordered: z.boolean().optional(), safeAppend: z.boolean().optional(), dirSync: z.boolean().optional(), mkdirSync: z.boolean().optional() })
      .strict()
      .optional(),
    maxStates: positive.optional(),
    seed: z.number().int('must be a whole number').nonnegative('must not be negative').optional(),
    jobs: positive.optional(),
    shard: z.union([z.string(), z.object({ k: z.number(), n: z.number() })], { error: 'must be "k/n" or { k, n }' }).optional(),
    timeoutMs: positive.optional(),
    failFsync: positive.optional(),
    onProgress: z.custom<(done: number, total: number) => void>(isFunction, 'must be a function (done, total) => void').optional(),
  })
  .strict();

export type CrashTestOptions = z.input<typeof optionsSchema>;

/** The option a zod issue is about, and what is wrong with it, as one line. */
function badOption(error: z.ZodError): CrashTestError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  if (issue?.code === 'unrecognized_keys') return new CrashTestError('BadOption', `crashTest: unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  return new CrashTestError('BadOption', `crashTest: option ${path === '' ? '(options)' : `"${path}"`} ${issue?.message ?? 'is invalid'}`);
}

function exactlyOne(options: Record<string, unknown>, a: string, b: string): void {
  const given = [a, b].filter((k) => options[k] !== undefined);
  if (given.length !== 1) throw new CrashTestError('BadOption', `crashTest: give exactly one of option "${a}" and option "${b}"${given.length === 2 ? ', not both' : ''}`);
}

function shardOf(value: string | { k: number; n: number } | undefined): Shard {
  if (value === undefined) return WHOLE_RUN;
  if (typeof value === 'string') return parseShard(value, 'crashTest: option "shard"');
  if (!isShard(value)) throw new CrashTestError('BadOption', `crashTest: option "shard" must have whole numbers 1 ≤ k ≤ n, got ${JSON.stringify(value)}`);
  return value;
}

type Parsed = z.output<typeof optionsSchema>;

/** The checker the options ask for, and how many checks run at once. */
async function checkerOf(options: Parsed): Promise<{ checker: string | Checker; jobs: number }> {
  if (typeof options.check === 'string') return { checker: options.check, jobs: options.jobs ?? availableParallelism() };
  if (options.check !== undefined) return { checker: functionChecker(options.check), jobs: options.jobs ?? 1 };
  const module = options.checkModule as string | URL;
  const url = module instanceof URL ? module.href : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  const jobs = options.jobs ?? availableParallelism();
  return { checker: await workerChecker(url, String(module), options.checkExport ?? 'check', jobs), jobs };
}

/**
 * Runs the workload under strace (or reads a capture), enumerates the crash states the fault
 * model allows, checks each, and returns the report `walref crash-test --json` prints.
 */
export async function crashTest(options: CrashTestOptions): Promise<CrashTestReport> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw badOption(parsed.error);
  const o = parsed.data;
  exactlyOne(o, 'workload', 'fromCapture');
  exactlyOne(o, 'check', 'checkModule');
  if (o.checkExport !== undefined && o.checkModule === undefined) throw new CrashTestError('BadOption', 'crashTest: option "checkExport" needs option "checkModule"');
  if (o.failFsync !== undefined && o.workload === undefined) throw new CrashTestError('BadOption', 'crashTest: option "failFsync" needs option "workload" (a capture already holds the failures it was made with)');
  const shard = shardOf(o.shard);
  const knobs = resolveKnobs(o.knobs ?? {});
  if (o.init !== undefined && o.fromCapture !== undefined) throw new CrashTestError('BadOption', 'crashTest: option "init" cannot go with option "fromCapture": "dir" must already hold the initial directory of the capture');
  const run = await obtainRun({
    dir: o.dir,
    ...(o.workload === undefined ? {} : { workload: o.workload }),
    ...(o.init === undefined ? {} : { init: o.init }),
    ...(o.fromCapture === undefined ? {} : { fromCapture: o.fromCapture }),
    ...(o.saveCapture === undefined ? {} : { saveCapture: o.saveCapture }),
    ...(o.failFsync === undefined ? {} : { failFsync: o.failFsync }),
  });
  let checker: string | Checker | null = null;
  try {
    const made = await checkerOf(o);
    checker = made.checker;
    const { jobs } = made;
    const result = await checkCaptured(run, {
      check: checker,
      knobs,
      maxStates: o.maxStates ?? 1000,
      seed: o.seed ?? 1,
      timeoutMs: o.timeoutMs ?? 30_000,
      jobs,
      shard,
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
    });
    return reportOf(result);
  } finally {
    run.dispose();
    if (checker !== null && typeof checker !== 'string') await checker.close();
  }
}
