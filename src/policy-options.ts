// The two options of openWal that name a policy: `retain` (what a checkpoint keeps) and
// `recovery` (what replay does with damage). Their zod schemas live here so that options.ts, the
// checkpoint call and the CLI validate them one way.

import { onDemand } from './zod-on-demand.js';
import { DEFAULT_RETENTION, RETAIN_SNAPSHOTS_MAX, type Retention } from './core/checkpoint.js';
import { RECOVERY_POLICY_NAMES, type RecoveryPolicy } from './core/recovery-policy.js';

export interface RetainOption {
  /** Snapshots the MANIFEST keeps naming, the live one included (1 to 64; 1 by default). */
  readonly snapshots?: number | undefined;
  /** Sealed segments wholly covered by the live snapshot that are kept anyway (0 by default). */
  readonly segmentsBehindSnapshot?: number | undefined;
}

/** The schema of `retain`, built on first use (src/zod-on-demand.ts). */
export const retainSchema = onDemand((z) =>
  z
    .object({
      snapshots: z.number().int().min(1).max(RETAIN_SNAPSHOTS_MAX).optional(),
      segmentsBehindSnapshot: z.number().int().min(0).max(1_000_000).optional(),
    })
    .strict(),
);

/** The schema of `recovery`, built on first use. */
export const recoveryPolicySchema = onDemand((z) => z.enum(RECOVERY_POLICY_NAMES as [RecoveryPolicy, ...RecoveryPolicy[]]));

/** `retain` over `base`: each field given replaces the base's. */
export function resolveRetention(option: RetainOption | undefined, base: Retention = DEFAULT_RETENTION): Retention {
  return {
    snapshots: option?.snapshots ?? base.snapshots,
    segmentsBehindSnapshot: option?.segmentsBehindSnapshot ?? base.segmentsBehindSnapshot,
  };
}
