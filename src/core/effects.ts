// Effects are the I/O the pure core asks for, as data. The shell (src/wal.ts) interprets them
// through the FileSystem port on the real disk; crash-sim interprets the same values in memory.
// Paths are file names relative to the WAL directory; '.' names the directory itself.
//
// The ordering rule, which every interpreter must keep: effects run one after another in list
// order, and the core advances the durable LSN only after the `fsync` that covers it returned OK.

export type Effect =
  /** Create a new empty file; fails if it exists. */
  | { readonly kind: 'create'; readonly file: string }
  /** Write `data` at `offsetBytes` (where the segment's live frames end, for the writer). */
  | { readonly kind: 'write'; readonly file: string; readonly offsetBytes: number; readonly data: Uint8Array }
  /** fdatasync the file: its data and the size needed to read it back are durable when it returns. */
  | { readonly kind: 'fsync'; readonly file: string }
  /** fsync the directory: creates, renames and unlinks inside it are durable when it returns. */
  | { readonly kind: 'fsyncDir' }
  /**
   * Make the file at least `sizeBytes` long, every new byte a zero that is really allocated (written
   * zeros, not a hole or an unwritten extent), so later overwrites never change its size or its
   * allocation; a file already that long is left as it is. Durable once the file is fsynced.
   */
  | { readonly kind: 'preallocate'; readonly file: string; readonly sizeBytes: number }
  /** Cut the file back to `sizeBytes`. */
  | { readonly kind: 'truncate'; readonly file: string; readonly sizeBytes: number }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'remove'; readonly file: string };

export type EffectKind = Effect['kind'];
