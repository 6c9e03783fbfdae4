// The logical records of the log. A record is what the writer appends and replay reads back; its
// bytes on disk (a frame) are described in docs/format.md and produced by codec.ts.

export type Lsn = number;

export type WalRecord =
  | { readonly kind: 'TxBegin'; readonly lsn: Lsn }
  | { readonly kind: 'Mutation'; readonly lsn: Lsn; readonly txBeginLsn: Lsn; readonly event: Uint8Array }
  | {
      readonly kind: 'MutationBatch';
      readonly lsn: Lsn;
      readonly txBeginLsn: Lsn;
      readonly events: readonly Uint8Array[];
    }
  | { readonly kind: 'TxCommit'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'TxAbort'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'Checkpoint'; readonly lsn: Lsn; readonly snapshotLsn: Lsn };

/** The header at the start of every segment file. */
export interface SegmentHeader {
  readonly version: number;
  readonly segmentId: number;
  readonly baseLsn: Lsn;
}

/** One committed transaction as replay returns it. */
export interface ReplayedTransaction {
  readonly beginLsn: Lsn;
  readonly commitLsn: Lsn;
  readonly events: readonly Uint8Array[];
}
