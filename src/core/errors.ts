// Errors are values with a `code` and the facts that locate them (directory, segment, offset,
// LSN, option). Tests assert the code and the facts, never the message text. The core returns
// them in typed results; only the shell throws them, and it throws nothing else.

export type DecodeFailureCause =
  | 'truncated-frame-header' // fewer than 8 bytes left where a frame should start
  | 'truncated-body' // the declared length runs past the end of the bytes
  | 'bad-length' // the declared length is below the minimum or above the maximum
  | 'bad-checksum' // CRC-32C over length (+ salt) + body does not match
  | 'stale-frame' // a whole v2 frame whose salt is not its segment's: from an earlier life of the file
  | 'bad-kind' // the body's tag is not a known record kind, or a reserved tag bit is set
  | 'bad-body' // the body's size does not fit its kind, or a batch entry runs past the body
  | 'lsn-unrepresentable' // an LSN above 2^53 - 1, or zero
  | 'bad-compressed-body'; // a deflated payload (good checksum) that does not inflate to what it says

export type HeaderFailureCause =
  | 'truncated-header'
  | 'bad-magic'
  | 'unsupported-version'
  | 'bad-header-checksum'
  | 'id-mismatch'; // the id in the header is not the id in the file name

/** The rules a well-formed log keeps; replay-rules.ts states each one as a labelled row. */
export const MALFORMED_RULES = [
  'missing-tx-begin', // a mutation, commit or abort names a TxBegin that replay has not seen
  'duplicate-tx-begin',
  'lsn-not-increasing',
  'lsn-below-segment-base',
  'segment-base-not-increasing',
  'checkpoint-points-forward', // a checkpoint marker's snapshot LSN is above its own LSN
  'checkpoint-regressed',
] as const;

export type MalformedRule = (typeof MALFORMED_RULES)[number];

/** Why a MANIFEST does not decode (docs/format.md, "MANIFEST"). */
export type ManifestFailureCause =
  | 'truncated' // fewer bytes than the fixed part and the checksum
  | 'bad-magic'
  | 'unsupported-version'
  | 'bad-length' // the length does not fit the snapshot count, or the count is out of bounds
  | 'bad-checksum'
  | 'bad-body'; // a field out of range: an LSN, an id or an epoch of 0 or above 2^53 - 1, snapshots out of order

/** Why the live snapshot a MANIFEST names cannot be used. */
export type SnapshotFailureCause = 'missing' | 'size-mismatch' | 'bad-checksum';

/** The recovery policies of openWal and `walref replay / verify --recovery` (recovery-policy.ts). */
export type RecoveryPolicy = 'tolerate-torn-tail' | 'absolute' | 'point-in-time' | 'skip-corrupted';

export type WalErrorInfo =
  | { readonly code: 'AlreadyOpen'; readonly dir: string }
  | { readonly code: 'Poisoned'; readonly reason: string }
  | { readonly code: 'Closed' }
  | { readonly code: 'InvalidOption'; readonly option: string; readonly detail: string }
  | { readonly code: 'InvalidArgument'; readonly argument: string; readonly detail: string }
  | { readonly code: 'NotFound'; readonly path: string }
  | {
      readonly code: 'Corruption';
      readonly segment: string;
      readonly offsetBytes: number;
      // The last good LSN before the bad bytes, when known. For bad-compressed-body it is the LSN
      // of the frame whose payload does not inflate: everything before its payload is good.
      readonly lsn: number | null;
      readonly cause: DecodeFailureCause;
    }
  | { readonly code: 'BadSegmentHeader'; readonly segment: string; readonly cause: HeaderFailureCause }
  | {
      readonly code: 'Malformed';
      readonly segment: string;
      readonly offsetBytes: number;
      readonly lsn: number;
      readonly rule: MalformedRule;
      readonly detail: string;
    }
  | { readonly code: 'IoError'; readonly op: string; readonly path: string; readonly errno: string }
  /** Damage that the recovery policy in force refuses, though another policy would recover around it. */
  | {
      readonly code: 'Damaged';
      readonly policy: RecoveryPolicy;
      readonly segment: string;
      readonly offsetBytes: number;
      readonly lsn: number | null; // the last good LSN before the damage, when known
      readonly cause: DecodeFailureCause | HeaderFailureCause;
    }
  | { readonly code: 'BadManifest'; readonly file: string; readonly cause: ManifestFailureCause }
  | { readonly code: 'BadSnapshot'; readonly file: string; readonly lsn: number; readonly cause: SnapshotFailureCause }
  /**
   * checkpoint()'s LSN falls inside a transaction (between its TxBegin and its commit or abort):
   * replay after that fence would meet the transaction's end without its begin (a Malformed log).
   */
  | { readonly code: 'FenceSplitsTransaction'; readonly lsn: number; readonly txBeginLsn: number; readonly open: boolean };

export type WalErrorCode = WalErrorInfo['code'];

/** The one error type the public API throws. `info` carries the code and the facts. */
export class WalError extends Error {
  readonly code: WalErrorCode;
  readonly info: WalErrorInfo;

  constructor(info: WalErrorInfo) {
    super(describeWalError(info));
    this.name = 'WalError';
    this.code = info.code;
    this.info = info;
  }
}

/** A one-line, human-readable description that names every fact the error carries. */
export function describeWalError(info: WalErrorInfo): string {
  switch (info.code) {
    case 'AlreadyOpen':
      return `WAL directory ${info.dir} is already open by a live writer`;
    case 'Poisoned':
      return `WAL is poisoned: ${info.reason}; reopen the WAL to recover from disk`;
    case 'Closed':
      return 'WAL is closed';
    case 'InvalidOption':
      return `invalid option ${info.option}: ${info.detail}`;
    case 'InvalidArgument':
      return `invalid argument ${info.argument}: ${info.detail}`;
    case 'NotFound':
      return `no such file or directory: ${info.path}`;
    case 'Corruption':
      return (
        `corruption in segment ${info.segment} at offset ${info.offsetBytes}: ${info.cause}` +
        (info.lsn === null ? '' : ` (after LSN ${info.lsn})`)
      );
    case 'BadSegmentHeader':
      return `${info.segment} is not a readable walref segment: ${info.cause}`;
    case 'Malformed':
      return `malformed log in segment ${info.segment} at offset ${info.offsetBytes}, LSN ${info.lsn}: ${info.rule} (${info.detail})`;
    case 'IoError':
      return `${info.op} ${info.path} failed: ${info.errno}`;
    case 'Damaged':
      return (
        `damage in segment ${info.segment} at offset ${info.offsetBytes}: ${info.cause}` +
        (info.lsn === null ? '' : ` (after LSN ${info.lsn})`) +
        `, refused by recovery policy ${info.policy}`
      );
    case 'BadManifest':
      return `${info.file} is not a readable walref MANIFEST: ${info.cause}`;
    case 'BadSnapshot':
      return `snapshot ${info.file} (LSN ${info.lsn}) named by the MANIFEST cannot be used: ${info.cause}`;
    case 'FenceSplitsTransaction':
      return (
        `checkpoint LSN ${info.lsn} falls inside the transaction begun at LSN ${info.txBeginLsn}` +
        (info.open ? ', which is still open' : ', which closed after it') +
        ': a snapshot there would hold part of it; name a commit LSN after which no transaction is open'
      );
  }
}

/** A typed result for operations of the pure core that can fail on bad input. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WalErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: WalErrorInfo): Result<T> => ({ ok: false, error });
