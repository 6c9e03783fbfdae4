// Effects are the I/O the pure core asks for, as data. The shell (src/wal.ts) interprets them
// through the FileSystem port on the real disk; crash-sim interprets the same values in memory.
// Paths are file names relative to the WAL directory; '.' names the directory itself.
//
// The ordering rule, which every interpreter must keep: effects run one after another in list
// order, and the core advances the durable LSN only after the `fsync` that covers it returned OK.

export type Effect =
  /** Create a new empty file; fails if it exists. */
  | { readonly kind: 'create'; readonly file: string }
  /** Write `data` at `offsetBytes` (always the current end of the file for the writer). */
  | { readonly kind: 'write'; readonly file: string; readonly offsetBytes: number; readonly data: Uint8Array }
  /** fdatasync the file: its data and the size needed to read it back are durable when it returns. */
  | { readonly kind: 'fsync'; readonly file: string }
  /** fsync the directory: creates, renames and unlinks inside it are durable when it returns. */
  | { readonly kind: 'fsyncDir' }
  /** Cut the file back to `sizeBytes`. */
  | { readonly kind: 'truncate'; readonly file: string; readonly sizeBytes: number }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'remove'; readonly file: string };

export type EffectKind = Effect['kind'];
