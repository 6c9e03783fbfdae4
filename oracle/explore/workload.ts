// The workload file of `walref explore` (docs/workload.md), validated with zod at this trust
// boundary. A bad file is reported as one line naming the field, e.g.
// `steps[2].tx[0]: expected string, received number`. Two words are kept apart: `knobs` are the
// persistence model's promises (crash-sim/knobs.ts), for the whole run; a `fault` step injects one
// runtime fault into the next step. run-workload.ts is the one interpreter of the steps.

import { match, P } from 'ts-pattern';
import { z } from 'zod';
import type { WalOpenOptionsLike } from './wal-api.js';

const syncSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('per-commit') }).strict(),
  z
    .object({ mode: z.literal('group'), intervalMs: z.number().int().min(1).max(3_600_000), maxCommits: z.number().int().min(1).optional() })
    .strict(),
  z.object({ mode: z.literal('none') }).strict(),
]);

/**
 * The segment target of a workload that does not name one. Segment files are preallocated to
 * their target size (docs/format.md "Preallocation and reuse"), and the simulator holds every
 * file, and every crash state of it, in memory: the library's 64 MiB default would make each one
 * that large, so explored workloads use 4 KiB unless they say otherwise.
 */
export const WORKLOAD_SEGMENT_TARGET_BYTES = 4096;

const optionsSchema = z
  .object({
    sync: syncSchema.optional(),
    segmentTargetBytes: z.number().int().min(45).max(2 ** 40).optional(),
    checkpointLsn: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

const knobsSchema = z
  .object({
    sectorBytes: z.number().int().min(1).max(1 << 20).optional(),
    ordered: z.boolean().optional(),
    safeAppend: z.boolean().optional(),
    dirSync: z.boolean().optional(),
  })
  .strict();

/**
 * Each step kind, keyed by the property that identifies it: the spec's action names
 * (spec/README.md), where a step is one action (Flush, Fsync, CheckpointMarker, TruncateUpTo,
 * Crash, Recover after a clean close; `snapshot` is the checkpoint of spec/Manifest.tla).
 */
const stepSchemas = {
  tx: z.object({ tx: z.array(z.string().max(1 << 20)).max(10_000), abort: z.boolean().optional() }).strict(),
  readOnly: z.object({ readOnly: z.literal(true) }).strict(),
  flush: z.object({ flush: z.literal(true) }).strict(),
  fsync: z.object({ fsync: z.literal(true) }).strict(),
  checkpointMarker: z.object({ checkpointMarker: z.literal(true) }).strict(),
  truncateUpTo: z.object({ truncateUpTo: z.literal('lastCommit') }).strict(),
  /** wal.checkpoint() through the MANIFEST at the last commit, with optional retention. */
  snapshot: z
    .object({
      snapshot: z.literal('lastCommit'),
      retain: z.object({ snapshots: z.number().int().min(1).max(64).optional(), segmentsBehindSnapshot: z.number().int().min(0).optional() }).strict().optional(),
    })
    .strict(),
  recover: z.object({ recover: z.literal(true) }).strict(),
  fault: z.object({ fault: z.enum(['fsync-eio', 'enospc', 'short-write']) }).strict(),
  crash: z
    .object({
      crash: z.number().int().min(0).max(2 ** 32 - 1),
      /** A second power loss that interrupts the recovery after `afterOps` of its disk operations. */
      duringRecovery: z
        .object({ afterOps: z.number().int().min(0).max(1_000), crash: z.number().int().min(0).max(2 ** 32 - 1) })
        .strict()
        .optional(),
    })
    .strict(),
} as const;

/** A step under the spec's names: what parseWorkload returns and the runner plays. */
export type SpecStep = { [K in keyof typeof stepSchemas]: z.infer<(typeof stepSchemas)[K]> }[keyof typeof stepSchemas];

/**
 * The step keys' former names, still accepted so that existing workload files and callers keep
 * working: each maps to the spec's name, and specStep() renames it.
 */
export const FORMER_STEP_KEYS = { forceFsync: 'fsync', checkpoint: 'checkpointMarker', reopen: 'recover' } as const;
type FormerStep = { readonly forceFsync: true } | { readonly checkpoint: true } | { readonly reopen: true };

/** A step as a workload file or a caller writes it: under the spec's names, or a former one. */
export type WorkloadStep = SpecStep | FormerStep;

/** The step under the spec's names. */
export function specStep(step: WorkloadStep): SpecStep {
  if ('forceFsync' in step) return { fsync: true };
  if ('checkpoint' in step) return { checkpointMarker: true };
  if ('reopen' in step) return { recover: true };
  return step;
}

/** A raw step object with a former key renamed to the spec's name. */
function renameFormerKey(raw: object): object {
  for (const [former, name] of Object.entries(FORMER_STEP_KEYS)) {
    if (former in raw && !(name in raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k === former ? name : k, v]));
  }
  return raw;
}
export type WorkloadOptions = z.infer<typeof optionsSchema>;
export type WorkloadKnobs = z.infer<typeof knobsSchema>;
export type FaultKind = z.infer<(typeof stepSchemas)['fault']>['fault'];

export interface Workload {
  readonly options: WorkloadOptions;
  readonly knobs: WorkloadKnobs;
  readonly steps: readonly WorkloadStep[];
}

const workloadSchema = z
  .object({
    options: optionsSchema.optional(),
    knobs: knobsSchema.optional(),
    steps: z.array(z.unknown()).max(100_000),
  })
  .strict();

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(workload)' : out;
}

function firstIssue(error: z.ZodError, prefix: readonly PropertyKey[]): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${formatPath(prefix)}: invalid`;
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  return `${formatPath([...prefix, ...issue.path])}: ${issue.message}${keys}`;
}

const STEP_KINDS = Object.keys(stepSchemas) as (keyof typeof stepSchemas)[];

export type ParsedWorkload = { readonly ok: true; readonly workload: Workload } | { readonly ok: false; readonly error: string };

/** Validates a parsed JSON value as a workload; the error is one line naming the field. */
export function parseWorkload(value: unknown): ParsedWorkload {
  if (typeof value === 'object' && value !== null && 'fault' in value) {
    return { ok: false, error: 'fault: the persistence knobs are under "knobs"; "fault" is a step that injects a runtime fault' };
  }
  const top = workloadSchema.safeParse(value);
  if (!top.success) return { ok: false, error: firstIssue(top.error, []) };
  const steps: SpecStep[] = [];
  for (const [index, written] of top.data.steps.entries()) {
    if (typeof written !== 'object' || written === null || Array.isArray(written)) {
      return { ok: false, error: `steps[${index}]: expected an object such as {"tx": ["event"]}` };
    }
    const raw = renameFormerKey(written);
    const kind = STEP_KINDS.find((k) => k in raw);
    if (kind === undefined) {
      return { ok: false, error: `steps[${index}]: expected one of the keys ${STEP_KINDS.join(', ')}; got ${Object.keys(raw).join(', ') || 'none'}` };
    }
    const parsed = stepSchemas[kind].safeParse(raw);
    if (!parsed.success) return { ok: false, error: firstIssue(parsed.error, ['steps', index]) };
    steps.push(parsed.data);
  }
  return { ok: true, workload: { options: top.data.options ?? {}, knobs: top.data.knobs ?? {}, steps } };
}

/** Parses workload JSON text; JSON syntax errors are reported in the same one-line form. */
export function parseWorkloadText(text: string): ParsedWorkload {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `(workload): not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseWorkload(value);
}

/**
 * The openWal options a workload asks for, without undefined-valued keys (the API's options are
 * exact), the segment target defaulting to WORKLOAD_SEGMENT_TARGET_BYTES. The checkpoint LSN is left out: it is the host's, and the interpreter passes it per
 * session (options.checkpointLsn raised by every truncateUpTo).
 */
export function walOpenOptions(options: WorkloadOptions): Omit<WalOpenOptionsLike, 'fs' | 'checkpointLsn'> {
  const { sync, segmentTargetBytes } = options;
  return {
    ...(sync === undefined
      ? {}
      : { sync: sync.mode !== 'group' ? sync : { mode: 'group', intervalMs: sync.intervalMs, ...(sync.maxCommits === undefined ? {} : { maxCommits: sync.maxCommits }) } }),
    segmentTargetBytes: segmentTargetBytes ?? WORKLOAD_SEGMENT_TARGET_BYTES,
  };
}

/** One line per step, as a reader would say it, under the spec's names: for reports and the demo. */
export function describeStep(step: WorkloadStep): string {
  const events = (tx: readonly string[]): string => (tx.length === 0 ? 'no events' : tx.map((e) => JSON.stringify(e)).join(', '));
  return match(specStep(step))
    .with({ tx: P.array(P.string), abort: true }, (s) => `begin, append ${events(s.tx)}, abort (TxAbort is written)`)
    .with({ tx: P.array(P.string) }, (s) => `commit ${events(s.tx)}`)
    .with({ readOnly: true }, () => 'a read-only query: commit answers "no" and writes nothing')
    .with({ flush: true }, () => 'flush: write to the OS (and fdatasync under per-commit)')
    .with({ fsync: true }, () => 'fsync (forceFsync)')
    .with({ checkpointMarker: true }, () => 'checkpoint marker at the last commit')
    .with({ truncateUpTo: 'lastCommit' }, () => 'truncateUpTo the last commit')
    .with({ snapshot: 'lastCommit' }, (s) => {
      const retain = s.retain === undefined ? '' : `, retaining ${s.retain.snapshots ?? 1} snapshot(s) and ${s.retain.segmentsBehindSnapshot ?? 0} segment(s) behind`;
      return `checkpoint at the last commit through the MANIFEST (snapshot file, MANIFEST commit, marker, removals${retain})`;
    })
    .with({ recover: true }, () => 'close, then recover with openWal')
    .with({ crash: P.number, duringRecovery: P.nonNullable }, (s) =>
      `power loss (crash state seed ${s.crash}), another after ${s.duringRecovery.afterOps} operations of the recovery (seed ${s.duringRecovery.crash}), then recover`)
    .with({ crash: P.number }, (s) => `power loss (crash state seed ${s.crash}), then recover`)
    .with({ fault: P.string }, (s) => `inject ${s.fault} into the next step`)
    .exhaustive();
}
