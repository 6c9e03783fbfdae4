// One file's image in a crash state: its durable base with the pieces that persisted applied in
// issue order (file-crash.ts decides which), then cut or grown by the size rule:
//   - safeAppend on ('cut'): the file ends at the first byte no persisted piece provided, but never
//     below the size an fsync made durable (holes under it read as zeros);
//   - off ('zeros' / 'garbage'): the file keeps the grown size (the largest size written since the
//     last truncate that persisted), the holes reading as zeros or garbage.
// Which bytes some piece provided, which op last wrote each byte of the page cache, and the byte
// classes are runs (byte-runs.ts), never one entry per byte. The image's bytes, its classes and the
// fate of every piece are computed only when asked for: crash-test asks for none of them, it
// writes the content's extents; explore and the pictures ask for them on small files.

import { appendRun, RunMap, type ByteRun } from './byte-runs.js';
import { ContentBuilder } from './content-builder.js';
import { CHUNK_BYTES, type FileContent } from './file-content.js';
import type { Piece, PieceKind } from './file-pieces.js';
import { garbageByte } from './prng.js';

/** Per-byte classes of a file in a crash state, relative to the page cache before the crash. */
export const ByteClass = { durable: 0, lost: 1, torn: 2, garbage: 3 } as const;
export type ByteClassName = keyof typeof ByteClass;
export type ByteClassCode = (typeof ByteClass)[ByteClassName];
export const BYTE_CLASS_NAMES: readonly ByteClassName[] = ['durable', 'lost', 'torn', 'garbage'];

export type SizeMode = 'cut' | 'zeros' | 'garbage';

export type PieceFate = 'durable' | 'survived' | 'lost';

export interface PieceReport {
  readonly seq: number;
  readonly kind: PieceKind;
  readonly sector: number | null;
  readonly fate: PieceFate;
}

/** A file as a crash space sees it: its state when the space was taken. */
export interface FileSnapshot {
  readonly inode: number;
  readonly base: FileContent;
  readonly cache: FileContent;
  /** The file's pieces; only the first `count` belong to the snapshot (the array may grow later). */
  readonly pieces: readonly Piece[];
  readonly count: number;
}

export class FileCrashImage {
  /** The image: what the file holds after the crash. */
  readonly content: FileContent;
  readonly sizeMode: SizeMode;
  /** Bytes the image holds beyond what it shares with the base (for memos). */
  readonly ownedBytes: number;
  readonly #snapshot: FileSnapshot;
  readonly #chosen: ReadonlySet<number>;
  readonly #fill: readonly ByteRun<boolean>[];
  readonly #persistedSeqs: ReadonlySet<number>;
  #bytes: Uint8Array | null = null;
  #classRuns: ByteRun<ByteClassCode>[] | null = null;

  constructor(content: FileContent, sizeMode: SizeMode, ownedBytes: number, snapshot: FileSnapshot, chosen: ReadonlySet<number>, fill: readonly ByteRun<boolean>[], persistedSeqs: ReadonlySet<number>) {
    this.content = content;
    this.sizeMode = sizeMode;
    this.ownedBytes = ownedBytes;
    this.#snapshot = snapshot;
    this.#chosen = chosen;
    this.#fill = fill;
    this.#persistedSeqs = persistedSeqs;
  }

  /** All the image's bytes (a copy, made once): for small files. */
  get bytes(): Uint8Array {
    this.#bytes ??= this.content.toBytes();
    return this.#bytes;
  }

  /** Every piece since the durable base and what became of it. */
  get pieces(): readonly PieceReport[] {
    const { pieces, count } = this.#snapshot;
    const out: PieceReport[] = [];
    for (let i = 0; i < count; i++) {
      const p = pieces[i] as Piece;
      out.push({ seq: p.seq, kind: p.kind, sector: p.kind === 'write' ? p.sector : null, fate: p.status === 'durable' ? 'durable' : this.#chosen.has(i) ? 'survived' : 'lost' });
    }
    return out;
  }

  /**
   * The byte classes as runs over max(image size, page-cache size): garbage where a grown hole was
   * filled, durable where the image holds what the page cache held, torn where a write that
   * persisted in part last wrote the byte, lost elsewhere.
   */
  classRuns(): readonly ByteRun<ByteClassCode>[] {
    if (this.#classRuns !== null) return this.#classRuns;
    const cache = this.#snapshot.cache;
    const span = Math.max(this.content.sizeBytes, cache.sizeBytes);
    const classes = new RunMap<ByteClassCode>();
    classes.set(0, span, ByteClass.lost);
    for (const run of lastWriters(this.#snapshot).runs) if (this.#persistedSeqs.has(run.value)) classes.set(run.startBytes, run.endBytes, ByteClass.torn);
    for (const run of equalRuns(this.content, cache, Math.min(this.content.sizeBytes, cache.sizeBytes))) if (run.value) classes.set(run.startBytes, run.endBytes, ByteClass.durable);
    for (const run of this.#fill) classes.set(run.startBytes, run.endBytes, ByteClass.garbage);
    this.#classRuns = [...classes.runs];
    return this.#classRuns;
  }

  /** One ByteClass code per byte (for small files: the pictures and the HTML report). */
  get classes(): Uint8Array {
    const runs = this.classRuns();
    const out = new Uint8Array(runs.length === 0 ? 0 : (runs[runs.length - 1] as ByteRun<ByteClassCode>).endBytes);
    for (const run of runs) out.fill(run.value, run.startBytes, run.endBytes);
    return out;
  }
}

/** Which op last wrote each byte of the page cache (bytes under no run: the base). */
function lastWriters(snapshot: FileSnapshot): RunMap<number> {
  const writers = new RunMap<number>();
  for (let i = 0; i < snapshot.count; i++) {
    const p = snapshot.pieces[i] as Piece;
    if (p.kind === 'write') writers.set(p.dataStartBytes, p.dataEndBytes, p.seq);
    // A size piece: a truncate clears what it cut off; a fallocate only grows the file, so no
    // write lies past its size and the clear takes nothing.
    else writers.clear(p.sizeAfterBytes);
  }
  // No run reaches past the page cache's size: writes end inside it, and truncates clear past theirs.
  return writers;
}

/** Where two contents hold equal bytes over [0, endBytes), as runs of true and false. */
function equalRuns(a: FileContent, b: FileContent, endBytes: number): ByteRun<boolean>[] {
  const runs: ByteRun<boolean>[] = [];
  for (let slot = 0; slot * CHUNK_BYTES < endBytes; slot++) {
    const start = slot * CHUNK_BYTES;
    const stop = Math.min(endBytes, start + CHUNK_BYTES);
    const chunkA = a.chunkAt(slot);
    const chunkB = b.chunkAt(slot);
    const externalEnd = (c: FileContent): number => (c.external === null ? start : Math.max(start, Math.min(stop, c.externalBytes)));
    const sameExternal = chunkA === undefined && chunkB === undefined && externalEnd(a) === externalEnd(b) && (a.external === b.external || externalEnd(a) === start);
    if ((chunkA !== undefined && chunkA === chunkB) || sameExternal) {
      appendRun(runs, start, stop, true);
      continue;
    }
    const bytesA = a.slotBytes(slot);
    const bytesB = b.slotBytes(slot);
    for (let at = start; at < stop; ) {
      const equal = (bytesA[at - start] ?? 0) === (bytesB[at - start] ?? 0);
      let to = at + 1;
      while (to < stop && ((bytesA[to - start] ?? 0) === (bytesB[to - start] ?? 0)) === equal) to++;
      appendRun(runs, at, to, equal);
      at = to;
    }
  }
  return runs;
}

/** The image of `snapshot` when exactly the pieces at the indices in `chosen` (and the durable ones) persisted. */
export function buildImage(snapshot: FileSnapshot, chosen: ReadonlySet<number>, sizeMode: SizeMode): FileCrashImage {
  const builder = new ContentBuilder(snapshot.base);
  const provided = new RunMap<boolean>();
  provided.set(0, snapshot.base.sizeBytes, true);
  let size = snapshot.base.sizeBytes;
  let grownSize = size;
  // The size an fsync made durable: a crash never shrinks a file below it, and holes under it
  // (a write in limbo that never reached the disk) read as zeros.
  let durableSize = size;
  const persistedSeqs = new Set<number>();
  for (let i = 0; i < snapshot.count; i++) {
    const p = snapshot.pieces[i] as Piece;
    const durable = p.status === 'durable';
    if (p.kind === 'write') grownSize = Math.max(grownSize, p.sizeAfterBytes);
    if (!durable && !chosen.has(i)) continue;
    if (durable) durableSize = p.sizeAfterBytes;
    if (p.kind === 'truncate') {
      // A truncate up grows the image with zeros, as the size rule below would: the same bytes.
      builder.resize(p.sizeAfterBytes);
      provided.clear(p.sizeAfterBytes);
      size = p.sizeAfterBytes;
      // A truncate that reached the disk set the inode's size after every growth before it: the
      // grown size a crash may show comes only from writes issued after it.
      grownSize = p.sizeAfterBytes;
    } else if (p.kind === 'fallocate') {
      // Allocated zeros from the size the file had; whatever persisted there already keeps its bytes
      // (a fallocate below the size so far provides nothing new: set ignores an empty range).
      provided.set(size, p.sizeAfterBytes, true);
      size = Math.max(size, p.sizeAfterBytes);
    } else {
      persistedSeqs.add(p.seq);
      builder.write(p.startBytes, p.content);
      provided.set(p.startBytes, p.startBytes + p.content.length, true);
      size = p.sizeAfterBytes;
    }
  }
  const firstHole = provided.firstGap(size);
  const cutSize = firstHole === -1 ? size : Math.max(firstHole, Math.min(durableSize, size));
  const finalSize = sizeMode === 'cut' ? cutSize : Math.max(size, snapshot.cache.sizeBytes, grownSize);
  // The holes of the grown file, all below its final size.
  const fill = sizeMode === 'cut' ? [] : provided.within(0, finalSize, false).filter((run) => !run.value);
  if (sizeMode === 'garbage') for (const hole of fill) builder.write(hole.startBytes, garbageBytes(snapshot.inode, hole.startBytes, hole.endBytes));
  builder.resize(finalSize);
  const ownedBytes = builder.ownedBytes;
  return new FileCrashImage(builder.build(), sizeMode, ownedBytes, snapshot, chosen, fill, persistedSeqs);
}

function garbageBytes(salt: number, startBytes: number, endBytes: number): Uint8Array {
  const out = new Uint8Array(endBytes - startBytes);
  for (let at = startBytes; at < endBytes; at++) out[at - startBytes] = garbageByte(salt, at);
  return out;
}
