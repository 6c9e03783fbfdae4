// The payload every case writes: about 100 bytes, like one small mutation event. Filled with
// varied bytes rather than zeros so no layer (file system, SQLite, LevelDB's Snappy) can shrink it.

export const EVENT_BYTES = 100;

export function makeEvent(seed: number, sizeBytes: number = EVENT_BYTES): Uint8Array {
  const event = new Uint8Array(sizeBytes);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < sizeBytes; i += 1) {
    // xorshift32: cheap, deterministic, incompressible enough for Snappy.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    event[i] = x & 0xff;
  }
  return event;
}
