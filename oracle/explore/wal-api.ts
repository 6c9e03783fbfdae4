// The slice of walref's public API the workload runner and the explorer drive, as structural
// types. oracle/ imports from src only the FileSystem port and the format's constants (an oracle
// that imports the shell it checks could not tell its bugs from its own), so the caller hands
// `openWal` in: the real one from src/index.ts, or a deliberately broken one in the planted-bug tests.

import type { FileSystem } from '../../src/fs/port.js';
import type { ReplayedTx } from './explore-history.js';

export type SyncOptionLike =
  | { readonly mode: 'per-commit' }
  | { readonly mode: 'group'; readonly intervalMs: number; readonly maxCommits?: number }
  | { readonly mode: 'none' };

/** openWal's recovery policies (docs/format.md, "Recovery policies"), as the oracle names them. */
export type RecoveryPolicyLike = 'tolerate-torn-tail' | 'absolute' | 'point-in-time' | 'skip-corrupted';

export interface WalOpenOptionsLike {
  readonly sync?: SyncOptionLike;
  readonly recovery?: RecoveryPolicyLike;
  readonly segmentTargetBytes?: number;
  readonly checkpointLsn?: number;
  readonly fs: FileSystem;
}

export interface RecorderLike {
  arm(): void;
  record(event: Uint8Array): void;
  commit(): Promise<'yes' | 'no'>;
  abort(): Promise<boolean>;
  flush(): Promise<void>;
  forceFsync(): Promise<void>;
  poisoned(): string | null;
}

export interface WalLike {
  begin(): Promise<number>;
  append(txBeginLsn: number, event: Uint8Array): Promise<number>;
  appendBatch(txBeginLsn: number, events: Uint8Array[]): Promise<number>;
  abort(txBeginLsn: number): Promise<number>;
  checkpointMarker(snapshotLsn: number): Promise<number>;
  flush(): Promise<void>;
  forceFsync(): Promise<void>;
  truncateUpTo(upToLsn: number): Promise<void>;
  checkpoint(input: {
    readonly lsn: number;
    readonly snapshot: Uint8Array;
    readonly retain?: { readonly snapshots?: number | undefined; readonly segmentsBehindSnapshot?: number | undefined };
  }): Promise<{ readonly epoch: number; readonly markerLsn: number }>;
  durableLsn(): number;
  nextLsn(): number;
  poisoned(): string | null;
  close(): Promise<void>;
  recorder(): RecorderLike;
}

export interface ReplayOutcomeLike {
  readonly transactions: readonly ReplayedTx[];
  readonly maxLsn: number;
  readonly checkpointObserved: number | null;
  readonly tornTail?: unknown;
}

/** The live snapshot openWal returns after a checkpoint through the MANIFEST. */
export interface SnapshotLike {
  readonly lsn: number;
  readonly epoch: number;
  read(): Promise<Uint8Array>;
}

export type OpenWalLike = (dir: string, options: WalOpenOptionsLike) => Promise<{ wal: WalLike; replay: ReplayOutcomeLike; snapshot?: SnapshotLike | null }>;

/** "IoError: write /wal/x failed: ENOSPC" for any thrown value; WalError carries a `code`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
