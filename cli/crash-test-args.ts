// The arguments of `walref crash-test`, split by node:util's parseArgs and checked with zod: a
// usage problem is one line naming the argument.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { resolveKnobs, type SimKnobs } from '../crash-sim/knobs.js';
import { parseShard, type Shard } from '../oracle/crash-test/shard.js';
import { describeArgumentIssue } from './args.js';

export const CRASH_TEST_USAGE = `usage: walref crash-test --dir <data dir> (--workload '<command>' | --from-capture <file>) --check '<command>'
         [--init '<command>'] [--sector-bytes N] [--ordered | --unordered] [--safe-append | --unsafe-append]
         [--dir-sync | --no-dir-sync] [--mkdir-sync | --no-mkdir-sync]
         [--max-states N] [--seed S] [--timeout-ms T] [--jobs J] [--shard k/n]
         [--fail-fsync N] [--save-capture <file>] [--quiet] [--json] [--html report.html]
       walref crash-test merge <report.json>... [--json]

Runs the workload (a shell command line) under strace, turns its file-system calls under --dir
into a crash-sim history, enumerates the crash states the fault model allows after every call
(exhaustively up to --max-states, default 1000, sampled by --seed beyond), writes each into a fresh
directory and runs '<check> <state dir> <acked id>...' on it (timeout --timeout-ms, default 30000;
--jobs checks at once, default one per core). The workload acknowledges durable operations by
printing 'ACK <id>' lines on its standard output. Exit code 1 on any violation.
--save-capture keeps the run (trace, acknowledgements, manifest of --dir) in a file;
--from-capture checks such a file again, with --dir holding the same initial directory, without
running the workload; --shard k/n checks the k-th of n deterministic shares of the planned states;
'merge' combines the --json reports of the shards into one (exit 2 when shards are missing).
--fail-fsync N makes strace fail the N-th fsync and the N-th fdatasync of each process or thread
with EIO (counted per call name and per process, on any file); the writes a failed fsync covered
stay undecided in every later crash state, and the workload may exit non-zero after it.
--init runs a command before the trace to fill --dir (what it writes is the durable initial state).
Progress of every phase goes to standard error (a live line on a terminal, a line every few
seconds otherwise); --quiet silences it.
Knob defaults: ordered, safe append, dirSync, no mkdirSync, 512-byte sectors. See docs/oracle.md.
`;

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer');

const file = z.string().min(1, 'must name a file');

const argsSchema = z.object({
  dir: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  workload: z.string().min(1, 'must not be empty').optional(),
  fromCapture: file.optional(),
  saveCapture: file.optional(),
  check: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  init: z.string().min(1, 'must not be empty').optional(),
  sectorBytes: positiveInt,
  maxStates: positiveInt,
  seed: z
    .string()
    .regex(/^\d+$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), 'must be at most 2^53 - 1'),
  timeoutMs: positiveInt,
  jobs: positiveInt.optional(),
  failFsync: positiveInt.optional(),
  json: z.boolean(),
  quiet: z.boolean(),
  html: file.optional(),
});

export type CrashTestArgs = z.infer<typeof argsSchema> & { readonly knobs: SimKnobs; readonly shard: Shard };

const OPTIONS = {
  dir: { type: 'string' },
  workload: { type: 'string' },
  'from-capture': { type: 'string' },
  'save-capture': { type: 'string' },
  check: { type: 'string' },
  init: { type: 'string' },
  'sector-bytes': { type: 'string' },
  ordered: { type: 'boolean' },
  unordered: { type: 'boolean' },
  'safe-append': { type: 'boolean' },
  'unsafe-append': { type: 'boolean' },
  'dir-sync': { type: 'boolean' },
  'no-dir-sync': { type: 'boolean' },
  'mkdir-sync': { type: 'boolean' },
  'no-mkdir-sync': { type: 'boolean' },
  'max-states': { type: 'string' },
  seed: { type: 'string' },
  'timeout-ms': { type: 'string' },
  jobs: { type: 'string' },
  'fail-fsync': { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A pair of opposite flags: --x on, --no-x (or the named opposite) off, default otherwise. */
function pair(values: Record<string, unknown>, on: string, off: string, fallback: boolean): boolean {
  if (values[on] === true && values[off] === true) throw new Error(`--${on} and --${off} contradict each other`);
  return values[on] === true ? true : values[off] === true ? false : fallback;
}

/** `value` under `key` when it is defined: zod's optional fields are absent, never undefined. */
function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The arguments and the knobs they set, or 'help'; throws an Error whose message is the usage problem. */
export function parseCrashTestArgs(argv: readonly string[]): CrashTestArgs | 'help' {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0] ?? ''}"`);
  const result = argsSchema.safeParse({
    dir: values.dir,
    ...given('workload', values.workload),
    ...given('fromCapture', values['from-capture']),
    ...given('saveCapture', values['save-capture']),
    check: values.check,
    ...given('init', values.init),
    sectorBytes: values['sector-bytes'] ?? '512',
    maxStates: values['max-states'] ?? '1000',
    seed: values.seed ?? '1',
    timeoutMs: values['timeout-ms'] ?? '30000',
    ...given('jobs', values.jobs),
    ...given('failFsync', values['fail-fsync']),
    json: values.json === true,
    quiet: values.quiet === true,
    ...given('html', values.html),
  });
  if (!result.success) throw new Error(describeArgumentIssue(result.error, []));
  const parsed = result.data;
  if (parsed.fromCapture === undefined && parsed.workload === undefined) throw new Error('--workload is required (or --from-capture)');
  if (parsed.fromCapture !== undefined && parsed.workload !== undefined) throw new Error('--workload and --from-capture contradict each other: the capture holds the workload');
  if (parsed.fromCapture !== undefined && parsed.init !== undefined) throw new Error('--init and --from-capture contradict each other: --dir must already hold the initial directory of the capture');
  if (parsed.fromCapture !== undefined && parsed.saveCapture !== undefined) throw new Error('--save-capture and --from-capture contradict each other: the capture is already saved');
  if (parsed.fromCapture !== undefined && parsed.failFsync !== undefined) throw new Error('--fail-fsync and --from-capture contradict each other: the capture holds the failures it was made with');
  const knobs = resolveKnobs({
    sectorBytes: parsed.sectorBytes,
    ordered: !pair(values, 'unordered', 'ordered', false),
    safeAppend: !pair(values, 'unsafe-append', 'safe-append', false),
    dirSync: pair(values, 'dir-sync', 'no-dir-sync', true),
    mkdirSync: pair(values, 'mkdir-sync', 'no-mkdir-sync', false),
  });
  const shard = values.shard === undefined ? { k: 1, n: 1 } : parseShard(values.shard);
  return { ...parsed, knobs, shard };
}
