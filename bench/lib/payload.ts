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

/** The size of one JSON-like event in the compression cases. */
export const JSON_EVENT_BYTES = 1024;

const WORDS = ['order', 'created', 'updated', 'customer', 'item', 'quantity', 'price', 'status', 'shipped', 'pending', 'warehouse', 'eu-west', 'note'];

/**
 * A JSON-like event of exactly `sizeBytes` bytes, as a document store's mutation log holds: the
 * same keys in every event, varied numbers, ids and words, so it compresses the way such logs do
 * (to roughly a third with DEFLATE), neither all-repeated nor random. Deterministic in `seed`.
 */
export function makeJsonEvent(seed: number, sizeBytes: number = JSON_EVENT_BYTES): Uint8Array {
  let x = (seed * 2654435761) >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const word = (): string => WORDS[next() % WORDS.length] ?? 'note';
  const items: string[] = [];
  let text = '';
  for (let i = 0; text.length < sizeBytes; i += 1) {
    items.push(
      `{"sku":"${word()}-${(next() % 100000).toString(36)}","quantity":${next() % 20},"price":${(next() % 100000) / 100},"${word()}":"${word()} ${word()}"}`,
    );
    text = `{"id":"${next().toString(16)}","type":"${word()}.${word()}","at":${1700000000000 + (next() % 1e9)},"customer":${next() % 1e6},"items":[${items.join(',')}]}`;
  }
  const bytes = new TextEncoder().encode(text.padEnd(sizeBytes, ' '));
  return bytes.subarray(0, sizeBytes);
}
