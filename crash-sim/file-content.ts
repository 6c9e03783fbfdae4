// The bytes of one simulated file, as a persistent copy-on-write structure: what the page cache
// holds, what is durable, and what a crash state holds, all share their unchanged parts.
//
// A file is cut into fixed slots of CHUNK_BYTES. Each slot is either
//   - a chunk: a Uint8Array of at most CHUNK_BYTES holding the slot's first bytes (the rest of the
//     slot, up to the file's size, reads as zeros), never modified once it is in a FileContent;
//   - absent: it reads from the file's external bytes while below `externalBytes`, zeros beyond.
// External bytes are a file of the initial image that lives outside the simulator (crash-test's
// snapshot of --dir, taken before the trace): crash-sim does no I/O, so the caller hands in a
// reader, and a slot is read only when a write lands in it or a comparison needs it. A file the
// workload never touches is never read.
// The slots hang in a radix trie (32 children a node), so a write copies the chunks it lands in
// and one path of small nodes: memory grows with the bytes written, never with the file's size.
// Invariant: no chunk and no external byte shows at or past `sizeBytes`; a truncate clips them,
// so a file that grows again reads zeros there.

export const CHUNK_BYTES = 4096;
const FANOUT = 32;

/** Bytes of a file outside the simulator (a file of the initial image), read on demand. */
export interface ExternalBytes {
  /** Names the source: in digests, and for materialising a state (a path in the snapshot). */
  readonly id: string;
  readonly sizeBytes: number;
  /** Exactly `lengthBytes` bytes from `offsetBytes`, within sizeBytes. */
  read(offsetBytes: number, lengthBytes: number): Uint8Array;
}

type Trie = readonly (Trie | Uint8Array | undefined)[] | undefined;

/** One run of a file's bytes, in order: a chunk, external bytes, or zeros. */
export type Extent =
  | { readonly kind: 'bytes'; readonly offsetBytes: number; readonly lengthBytes: number; readonly bytes: Uint8Array }
  | { readonly kind: 'external'; readonly offsetBytes: number; readonly lengthBytes: number; readonly external: ExternalBytes }
  | { readonly kind: 'zeros'; readonly offsetBytes: number; readonly lengthBytes: number };

function trieGet(node: Trie, depth: number, slot: number): Uint8Array | undefined {
  // A slot past the trie's reach holds no chunk: the trie grows a level when a chunk is set there,
  // and a file grown by resize (ftruncate, fallocate) past it keeps its depth. Without this check
  // the index below wraps, and such a slot would read the chunk of a slot FANOUT ** depth lower.
  if (slot >= FANOUT ** depth) return undefined;
  let at: Trie | Uint8Array | undefined = node;
  for (let level = depth - 1; level >= 0 && at !== undefined; level--) {
    at = (at as Trie)?.[Math.floor(slot / FANOUT ** level) % FANOUT];
  }
  return at as Uint8Array | undefined;
}

// Setting a chunk never empties a node; only trieClip removes slots, and it drops a node left empty,
// so that a content whose chunks are all cut off has no trie (isExternalOnly).
function trieSet(node: Trie, depth: number, slot: number, chunk: Uint8Array): Trie {
  const copy = node === undefined ? new Array<Trie | Uint8Array | undefined>(FANOUT).fill(undefined) : node.slice();
  const index = Math.floor(slot / FANOUT ** (depth - 1)) % FANOUT;
  copy[index] = depth === 1 ? chunk : trieSet(copy[index] as Trie, depth - 1, slot, chunk);
  return copy;
}

/** The trie without its slots at or past `keep`. */
function trieClip(node: Trie, depth: number, keep: number): Trie {
  if (node === undefined) return undefined;
  const span = FANOUT ** (depth - 1);
  if (keep >= FANOUT * span) return node;
  const copy = node.slice();
  for (let i = 0; i < FANOUT; i++) {
    if (i * span >= keep) copy[i] = undefined;
    else if ((i + 1) * span > keep && depth > 1) copy[i] = trieClip(copy[i] as Trie, depth - 1, keep - i * span);
  }
  return copy.every((child) => child === undefined) ? undefined : copy;
}

/** Every present slot in order, as [slot, chunk]. */
function* trieSlots(node: Trie, depth: number, first = 0): Generator<[number, Uint8Array]> {
  if (node === undefined) return;
  const span = FANOUT ** (depth - 1);
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child === undefined) continue;
    if (depth === 1) yield [first + i, child as Uint8Array];
    else yield* trieSlots(child as Trie, depth - 1, first + i * span);
  }
}

// Made on first use: a static field that constructs its own class breaks tsc's class emit.
let emptyContent: FileContent | null = null;

export class FileContent {
  readonly sizeBytes: number;
  /** The file's bytes outside the simulator, or null. */
  readonly external: ExternalBytes | null;
  /** How many of the external bytes still show (a truncate below hides the rest for good). */
  readonly externalBytes: number;
  readonly #root: Trie;
  readonly #depth: number;

  private constructor(sizeBytes: number, external: ExternalBytes | null, externalBytes: number, root: Trie, depth: number) {
    this.sizeBytes = sizeBytes;
    this.external = external;
    this.externalBytes = externalBytes;
    this.#root = root;
    this.#depth = depth;
  }

  /** The empty file. */
  static get EMPTY(): FileContent {
    emptyContent ??= new FileContent(0, null, 0, undefined, 1);
    return emptyContent;
  }

  /** A file holding `bytes` (taken as they are: the caller never modifies them afterwards). */
  static of(bytes: Uint8Array): FileContent {
    let content = FileContent.EMPTY.resize(bytes.length);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) content = content.#withChunk(at / CHUNK_BYTES, bytes.subarray(at, Math.min(bytes.length, at + CHUNK_BYTES)));
    return content;
  }

  /** A file whose bytes are all external (read on demand). */
  static external(external: ExternalBytes): FileContent {
    return new FileContent(external.sizeBytes, external, external.sizeBytes, undefined, 1);
  }

  /** The chunk in a slot, or undefined when the slot is absent (external bytes or zeros). */
  chunkAt(slot: number): Uint8Array | undefined {
    return trieGet(this.#root, this.#depth, slot);
  }

  /** Whether the content is its external file, whole and untouched. */
  isExternalOnly(): boolean {
    return this.external !== null && this.#root === undefined && this.externalBytes === this.external.sizeBytes && this.sizeBytes === this.externalBytes;
  }

  /** The content with `chunk` in a slot (handed over: never modified afterwards). */
  withChunk(slot: number, chunk: Uint8Array): FileContent {
    return this.#withChunk(slot, chunk);
  }

  #withChunk(slot: number, chunk: Uint8Array): FileContent {
    let root = this.#root;
    let depth = this.#depth;
    while (slot >= FANOUT ** depth) {
      root = root === undefined ? undefined : [root, ...new Array<undefined>(FANOUT - 1).fill(undefined)];
      depth++;
    }
    return new FileContent(this.sizeBytes, this.external, this.externalBytes, trieSet(root, depth, slot, chunk), depth);
  }

  /** The bytes of one slot that are not zeros by position: its chunk, or its external part (read now). */
  slotBytes(slot: number): Uint8Array {
    const chunk = this.chunkAt(slot);
    if (chunk !== undefined) return chunk;
    const start = slot * CHUNK_BYTES;
    const externalEnd = Math.min(this.externalBytes, start + CHUNK_BYTES);
    if (this.external === null || externalEnd <= start) return new Uint8Array(0);
    return this.external.read(start, externalEnd - start);
  }

  /** The content after writing `data` at `offsetBytes` (the file grows when the write passes its end). */
  write(offsetBytes: number, data: Uint8Array): FileContent {
    if (data.length === 0) return this;
    const end = offsetBytes + data.length;
    let next: FileContent = end > this.sizeBytes ? new FileContent(end, this.external, this.externalBytes, this.#root, this.#depth) : this;
    for (let slot = Math.floor(offsetBytes / CHUNK_BYTES); slot * CHUNK_BYTES < end; slot++) {
      const start = slot * CHUNK_BYTES;
      const from = Math.max(offsetBytes, start);
      const to = Math.min(end, start + CHUNK_BYTES);
      const piece = data.subarray(from - offsetBytes, to - offsetBytes);
      if (from === start && to - start >= this.#slotLength(slot)) next = next.#withChunk(slot, piece);
      else {
        const old = this.slotBytes(slot);
        const chunk = new Uint8Array(Math.max(old.length, to - start));
        chunk.set(old);
        chunk.set(piece, from - start);
        next = next.#withChunk(slot, chunk);
      }
    }
    return next;
  }

  /** The content cut or grown (with zeros) to `sizeBytes`. */
  resize(sizeBytes: number): FileContent {
    if (sizeBytes >= this.sizeBytes) return sizeBytes === this.sizeBytes ? this : new FileContent(sizeBytes, this.external, this.externalBytes, this.#root, this.#depth);
    const keep = Math.ceil(sizeBytes / CHUNK_BYTES);
    const cut = new FileContent(sizeBytes, this.external, Math.min(this.externalBytes, sizeBytes), trieClip(this.#root, this.#depth, keep), this.#depth);
    const boundary = cut.chunkAt(keep - 1);
    const within = sizeBytes - (keep - 1) * CHUNK_BYTES;
    return boundary !== undefined && boundary.length > within ? cut.#withChunk(keep - 1, boundary.subarray(0, within)) : cut;
  }

  /** A copy of `lengthBytes` bytes from `offsetBytes`, clipped to the size. */
  read(offsetBytes = 0, lengthBytes = Number.POSITIVE_INFINITY): Uint8Array {
    const end = Math.min(this.sizeBytes, offsetBytes + lengthBytes);
    const out = new Uint8Array(Math.max(0, end - offsetBytes));
    for (let slot = Math.floor(offsetBytes / CHUNK_BYTES); slot * CHUNK_BYTES < end; slot++) {
      const start = slot * CHUNK_BYTES;
      const bytes = this.slotBytes(slot);
      const from = Math.max(offsetBytes, start);
      const to = Math.min(end, start + bytes.length);
      if (to > from) out.set(bytes.subarray(from - start, to - start), from - offsetBytes);
    }
    return out;
  }

  /** All the bytes (a copy): for small files and for tests. */
  toBytes(): Uint8Array {
    return this.read(0, this.sizeBytes);
  }

  /** The file as runs in order (chunks, external bytes, zeros), covering [0, sizeBytes); reads nothing. */
  *extents(): Generator<Extent> {
    let at = 0;
    const gap = function* (this: FileContent, until: number): Generator<Extent> {
      const externalEnd = Math.min(until, this.externalBytes);
      if (this.external !== null && externalEnd > at) yield { kind: 'external', offsetBytes: at, lengthBytes: externalEnd - at, external: this.external };
      const zerosFrom = Math.max(at, externalEnd);
      if (until > zerosFrom) yield { kind: 'zeros', offsetBytes: zerosFrom, lengthBytes: until - zerosFrom };
    };
    for (const [slot, chunk] of trieSlots(this.#root, this.#depth)) {
      const start = slot * CHUNK_BYTES;
      yield* gap.call(this, start);
      if (chunk.length > 0) yield { kind: 'bytes', offsetBytes: start, lengthBytes: chunk.length, bytes: chunk };
      const slotEnd = Math.min(this.sizeBytes, start + CHUNK_BYTES);
      if (slotEnd > start + chunk.length) yield { kind: 'zeros', offsetBytes: start + chunk.length, lengthBytes: slotEnd - start - chunk.length };
      at = slotEnd;
    }
    yield* gap.call(this, this.sizeBytes);
  }

  /** Every chunk in slot order, as [slot, chunk]; absent slots are skipped. */
  chunks(): Generator<[number, Uint8Array]> {
    return trieSlots(this.#root, this.#depth);
  }

  /** `lengthBytes` bytes from `offsetBytes` within one slot: a view of its chunk when it holds them all, else a copy. */
  view(offsetBytes: number, lengthBytes: number): Uint8Array {
    const slot = Math.floor(offsetBytes / CHUNK_BYTES);
    const chunk = this.chunkAt(slot);
    const from = offsetBytes - slot * CHUNK_BYTES;
    if (chunk !== undefined && from + lengthBytes <= chunk.length) return chunk.subarray(from, from + lengthBytes);
    return this.read(offsetBytes, lengthBytes);
  }

  /** How many bytes of a slot are not zeros by position (its chunk's length, or its external part's). */
  #slotLength(slot: number): number {
    const chunk = this.chunkAt(slot);
    if (chunk !== undefined) return chunk.length;
    return this.external === null ? 0 : Math.max(0, Math.min(CHUNK_BYTES, this.externalBytes - slot * CHUNK_BYTES));
  }
}
