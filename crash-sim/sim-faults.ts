// The runtime faults SimFileSystem injects when a test or a workload schedules them, one at a time:
//   - fsync EIO: the next file fsync throws EIO. As on Linux, the dirty pages are marked clean:
//     reads still see the data, it may or may not be on disk, and a later fsync returns OK
//     without ever writing it again ("fsyncgate"). The crash enumeration keeps such writes
//     undecided forever ('limbo' in sim-state.ts).
//   - ENOSPC: the next write throws ENOSPC, optionally after writing part of its data.
//   - short write: the next write returns fewer bytes than asked, without an error.
//   - bit flips: reads of a chosen byte range of a file return those bytes inverted, as a medium
//     error on synced data would. The stored bytes are unchanged; only what reads return is.
// These are faults, not knobs: a knob (knobs.ts) is a promise the device does not make, for every
// operation; a fault strikes one chosen operation.

/** How much of the data a faulty write writes before it fails or returns short. */
export type PartialBytes = number | 'half' | 'none';

interface BitFlip {
  readonly inode: number;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

export function partialCount(partial: PartialBytes, length: number): number {
  if (partial === 'half') return Math.floor(length / 2);
  if (partial === 'none') return 0;
  return Math.max(0, Math.min(length, Math.floor(partial)));
}

export class SimFaults {
  #fsync: string | null = null;
  #write: { errno: string | null; partial: PartialBytes } | null = null;
  #flips: BitFlip[] = [];

  failNextFsync(errno: string): void {
    this.#fsync = errno;
  }

  failNextWrite(errno: string | null, partial: PartialBytes): void {
    this.#write = { errno, partial };
  }

  flipBitsOnRead(inode: number, offsetBytes: number, lengthBytes: number): void {
    this.#flips.push({ inode, offsetBytes, lengthBytes });
  }

  pending(): { fsync: boolean; write: boolean } {
    return { fsync: this.#fsync !== null, write: this.#write !== null };
  }

  /** Disarms the scheduled fsync and write faults (bit flips stay until a crash). */
  clear(): void {
    this.#fsync = null;
    this.#write = null;
  }

  /** A crash: everything scheduled is gone, bit flips included. */
  reset(): void {
    this.clear();
    this.#flips = [];
  }

  /** The errno the fsync being issued now fails with (null: it succeeds); disarms the fault. */
  takeFsync(): string | null {
    const errno = this.#fsync;
    this.#fsync = null;
    return errno;
  }

  /** How many bytes of a `length`-byte write reach the page cache, and its errno; disarms the fault. */
  takeWrite(length: number): { writtenBytes: number; errno: string | null } {
    const fault = this.#write;
    this.#write = null;
    return fault === null ? { writtenBytes: length, errno: null } : { writtenBytes: partialCount(fault.partial, length), errno: fault.errno };
  }

  /** `bytes`, read from `offsetBytes` of the inode, with the scheduled flips applied (in place). */
  flipped(inode: number, offsetBytes: number, bytes: Uint8Array): Uint8Array {
    for (const flip of this.#flips) {
      if (flip.inode !== inode) continue;
      const start = Math.max(flip.offsetBytes, offsetBytes);
      const end = Math.min(flip.offsetBytes + flip.lengthBytes, offsetBytes + bytes.length);
      for (let at = start; at < end; at++) bytes[at - offsetBytes] = (bytes[at - offsetBytes] ?? 0) ^ 0xff;
    }
    return bytes;
  }
}
