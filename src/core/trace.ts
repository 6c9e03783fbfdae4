// The action trace: an optional stream of the WAL's actions, named as in spec/Wal.tla, that the
// shell emits when a trace sink is configured (off by default, and then free: the shell checks
// for a sink before building an event). docs/trace-format.md documents it; spec/TraceWal.tla
// checks a recorded trace against the spec, and `walref check-trace` reads the same format.

import type { Lsn } from './records.js';

export type TraceEvent =
  | {
      /** openWal returned: the spec's Recover (after a Crash when the last line is not Close). */
      readonly action: 'Recover';
      readonly nextLsn: Lsn;
      readonly durableLsn: Lsn;
      readonly transactions: readonly TraceTx[];
      /** The sync policy the WAL runs under, so a checker knows what flush promises. */
      readonly sync: 'per-commit' | 'group' | 'none';
      /** The checkpoint LSN (the replay fence) the host passed to open. */
      readonly checkpointLsn: Lsn;
    }
  | { readonly action: 'Arm' }
  | { readonly action: 'Record'; readonly event: string }
  | { readonly action: 'Commit'; readonly wrote: boolean; readonly beginLsn: Lsn | null; readonly commitLsn: Lsn | null }
  | { readonly action: 'Abort'; readonly hadEvents: boolean }
  | { readonly action: 'Flush'; readonly writtenLsn: Lsn; readonly durableLsn: Lsn }
  | { readonly action: 'Fsync'; readonly ok: boolean; readonly durableLsn: Lsn }
  | { readonly action: 'CheckpointMarker'; readonly lsn: Lsn; readonly snapshotLsn: Lsn }
  | { readonly action: 'TruncateUpTo'; readonly upToLsn: Lsn; readonly removedSegments: readonly string[] }
  | { readonly action: 'Poison'; readonly reason: string }
  | { readonly action: 'Close' }
  // The low-level Wal API (a host that writes its own transactions instead of using the recorder).
  | { readonly action: 'Begin'; readonly beginLsn: Lsn }
  | { readonly action: 'Append'; readonly txBeginLsn: Lsn; readonly lsn: Lsn; readonly event: string }
  | { readonly action: 'AppendBatch'; readonly txBeginLsn: Lsn; readonly lsn: Lsn; readonly events: readonly string[] }
  | { readonly action: 'WalCommit'; readonly txBeginLsn: Lsn; readonly commitLsn: Lsn }
  | { readonly action: 'WalAbort'; readonly txBeginLsn: Lsn; readonly abortLsn: Lsn };

/** A recovered transaction as a trace shows it: its LSNs and its events decoded as UTF-8. */
export interface TraceTx {
  readonly beginLsn: Lsn;
  readonly commitLsn: Lsn;
  readonly events: readonly string[];
}

export type TraceSink = (event: TraceEvent) => void;

/**
 * An event as a trace line carries it: its bytes decoded as UTF-8 (docs/trace-format.md). Not
 * fatal: an event is the host's opaque bytes, and tracing it must never make a call throw, so bytes
 * that are not UTF-8 come out as U+FFFD (test/src/recorder.trace.test.ts). The decoder is made at
 * each call, not once when the module loads: tracing is off by default and a debugging aid when on.
 */
export function traceText(event: Uint8Array): string {
  // Stryker disable next-line ObjectLiteral: `{ fatal: false }` spells out TextDecoder's default, so an empty options object decodes every event the same way
  return new TextDecoder('utf-8', { fatal: false }).decode(event);
}
