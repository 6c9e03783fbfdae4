// The logical records of the log. A record is what the writer appends and replay reads back; its
// bytes on disk (a frame) are described in docs/format.md and produced by codec.ts.

export type Lsn = number;

/**
 * A payload stored deflated (docs/format.md "Deflated payloads"): the raw DEFLATE stream and the
 * length it inflates to. The shell deflates (the core does no compression); the codec writes and
 * reads this form; replay inflates it through an injected function when it applies the record.
 */
export interface StoredPayload {
  readonly deflated: Uint8Array;
  readonly rawBytes: number;
}

export type WalRecord =
  | {
      readonly kind: 'TxBegin';
      readonly lsn: Lsn;
    }
  | {
      readonly kind: 'Mutation';
      readonly lsn: Lsn;
      readonly txBeginLsn: Lsn;
      /** Empty while `stored` holds it deflated (a decoded frame not yet inflated). */
      readonly event: Uint8Array;
      /** When present, the frame stores the event deflated (and `event` is what it inflates to, or empty). */
      readonly stored?: StoredPayload;
    }
  | {
      readonly kind: 'MutationBatch';
      readonly lsn: Lsn;
      readonly txBeginLsn: Lsn;
      /** Empty while `stored` holds them deflated (a decoded frame not yet inflated). */
      readonly events: readonly Uint8Array[];
      /** When present, the frame stores count and entries deflated. */
      readonly stored?: StoredPayload;
    }
  | { readonly kind: 'TxCommit'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'TxAbort'; readonly lsn: Lsn; readonly txBeginLsn: Lsn }
  | { readonly kind: 'Checkpoint'; readonly lsn: Lsn; readonly snapshotLsn: Lsn };

/** The header at the start of every segment file. */
export interface SegmentHeader {
  readonly version: 1 | 2;
  readonly segmentId: number;
  readonly baseLsn: Lsn;
  /** Every live frame of a v2 segment carries it; 0 in a v1 segment (which has none). */
  readonly salt: number;
  /** Where the previous segment's live frames end (its bytes in use); 0 when unknown, and in v1. */
  readonly previousEnd: number;
}

/** One committed transaction as replay returns it. */
export interface ReplayedTransaction {
  readonly beginLsn: Lsn;
  readonly commitLsn: Lsn;
  readonly events: readonly Uint8Array[];
  /** events.length, known without building the events (which replay may do only when asked). */
  readonly eventCount: number;
}
