// Little-endian integers in byte arrays, as every part of the format stores them (docs/format.md):
// the codec, the segment header and replay's hot path read and write them through here.

const TWO_TO_32 = 0x1_0000_0000;

/** @internal Reads a u32 at `offset`; the caller has checked that 4 bytes are there. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** @internal Writes a u32 at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * @internal Reads a u64 at `offset` as a number, or -1 when it is above 2^53 - 1 (a JavaScript
 * number would round it, and an LSN that rounds is a different LSN).
 */
export function readU64Safe(bytes: Uint8Array, offset: number): number {
  const low = readU32(bytes, offset);
  const high = readU32(bytes, offset + 4);
  if (high > 0x1f_ffff) return -1;
  return high * TWO_TO_32 + low;
}

/** @internal Writes a non-negative safe integer as a u64 at `offset`. */
export function writeU64(bytes: Uint8Array, offset: number, value: number): void {
  writeU32(bytes, offset, value >>> 0);
  writeU32(bytes, offset + 4, Math.floor(value / TWO_TO_32));
}
