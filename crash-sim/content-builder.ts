// A FileContent made by many writes in a row (a crash image: the durable base plus the pieces that
// persisted, file-image.ts) without a copy of a chunk per write: the builder copies a slot once,
// writes into its own copy in place, and hands its copies over at build(). Everything it does not
// write stays shared with the base.

import { CHUNK_BYTES, FileContent } from './file-content.js';

interface OwnedSlot {
  readonly buf: Uint8Array;
  /** The bytes of the slot that are not zeros by position. */
  length: number;
}

export class ContentBuilder {
  #content: FileContent;
  readonly #owned = new Map<number, OwnedSlot>();

  constructor(base: FileContent) {
    this.#content = base;
  }

  get sizeBytes(): number {
    return this.#content.sizeBytes;
  }

  /** Bytes of chunks the builder made (what holding its result costs beyond the base). */
  get ownedBytes(): number {
    // Stryker disable next-line ArithmeticOperator: it only bounds what the crash-state memo holds (crash-states.ts MEMO_BYTES); a smaller count keeps more images in memory, never other ones
    return this.#owned.size * CHUNK_BYTES;
  }

  write(offsetBytes: number, data: Uint8Array): void {
    if (data.length === 0) return;
    const end = offsetBytes + data.length;
    if (end > this.#content.sizeBytes) this.#content = this.#content.resize(end);
    for (let slot = Math.floor(offsetBytes / CHUNK_BYTES); slot * CHUNK_BYTES < end; slot++) {
      const start = slot * CHUNK_BYTES;
      const from = Math.max(offsetBytes, start);
      const to = Math.min(end, start + CHUNK_BYTES);
      const owned = this.#own(slot);
      owned.buf.set(data.subarray(from - offsetBytes, to - offsetBytes), from - start);
      owned.length = Math.max(owned.length, to - start);
    }
  }

  /** Cut (the bytes past the new size become zeros) or grow with zeros. */
  resize(sizeBytes: number): void {
    if (sizeBytes < this.#content.sizeBytes) {
      for (const [slot, owned] of this.#owned) {
        const start = slot * CHUNK_BYTES;
        if (start >= sizeBytes) this.#owned.delete(slot);
        else if (start + owned.length > sizeBytes) {
          owned.buf.fill(0, sizeBytes - start);
          owned.length = sizeBytes - start;
        }
      }
    }
    this.#content = this.#content.resize(sizeBytes);
  }

  /** The content written so far; the builder is spent. */
  build(): FileContent {
    let content = this.#content;
    for (const [slot, owned] of this.#owned) content = content.withChunk(slot, owned.buf.subarray(0, owned.length));
    this.#owned.clear();
    return content;
  }

  #own(slot: number): OwnedSlot {
    let owned = this.#owned.get(slot);
    if (owned === undefined) {
      const old = this.#content.slotBytes(slot);
      owned = { buf: new Uint8Array(CHUNK_BYTES), length: old.length };
      owned.buf.set(old);
      this.#owned.set(slot, owned);
    }
    return owned;
  }
}
