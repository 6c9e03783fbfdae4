// The growing byte window the replay scanners read chunks into: the scan (replay-scan.ts) and the
// resync after damage (replay-resync.ts) both keep unconsumed bytes and append the next chunk.

/**
 * `window` with `bytes` written after its first `usedBytes`, grown (doubling, at least 4 KiB)
 * when they do not fit; the caller's used count becomes `usedBytes + bytes.length`.
 */
export function appendToWindow(window: Uint8Array<ArrayBuffer>, usedBytes: number, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const needed = usedBytes + bytes.length;
  let out = window;
  if (needed > window.length) {
    out = new Uint8Array(Math.max(needed, window.length * 2, 4096));
    out.set(window.subarray(0, usedBytes));
  }
  out.set(bytes, usedBytes);
  return out;
}
