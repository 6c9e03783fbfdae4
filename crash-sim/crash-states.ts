// Crash-state enumeration: every file-system image a crash at one moment may leave behind.
//
// A crash state is a point in a mixed-radix space. Its axes are, in order:
//   - with `dirSync` on, one boolean per directory-entry change not yet made durable by a
//     directory fsync (creates, renames, unlinks). Each may or may not have persisted: a file
//     created since the last directory fsync may vanish, an unlink may be undone. The chosen
//     changes are applied in issue order to the durable entries;
//   - then, for every file some entry may name, the axes of file-crash.ts (which sector pieces of
//     its unsynced writes persisted, and how a grown file's holes read).
// The space is enumerated exhaustively while its size stays within a bound and sampled by seed
// beyond it. Different points can produce the same image (a vanished file's axes do not matter);
// `CrashState.key` is a digest of the image (content-digest.ts), so callers can count distinct
// states. A state's files are contents that share everything unchanged with the durable base and
// the initial image; their bytes and byte classes are computed only when asked for.

import { applyDirOpsInOrder, describeDirOp, type DirOp } from './dir-ops.js';
import { contentDigest } from './content-digest.js';
import { CrashFile } from './crash-file.js';
import type { FileContent } from './file-content.js';
import { BYTE_CLASS_NAMES, fileCrashSpace, type FileCrashImage, type FileCrashSpace } from './file-crash.js';
import type { SimKnobs } from './knobs.js';
import { Digest, randomInt, seededRandom } from './prng.js';
import { SimFileSystem } from './sim-fs.js';
import { joinPath, parentOf } from './sim-paths.js';
import { stateAfter } from './apply-op.js';
import { type SimFile, type SimOp, type SimState } from './sim-state.js';

export { CrashFile } from './crash-file.js';

export interface CrashState {
  /** The point in the space, one digit per axis. */
  readonly choice: readonly number[];
  /** A digest of the image (entries and bytes): equal keys, equal disks. */
  readonly key: string;
  readonly knobs: SimKnobs;
  /** Files that exist after the crash, by path, with what survived of each. */
  readonly files: ReadonlyMap<string, CrashFile>;
  readonly dirs: readonly string[];
  /** Undecided directory-entry changes (by op-log index `seq`) and whether each persisted. */
  readonly dirOps: readonly { readonly seq: number; readonly description: string; readonly persisted: boolean }[];
  /** A fresh simulator (same knobs) holding exactly this image, all of it durable. */
  image(): SimFileSystem;
  /** A few lines saying which writes and sectors survived, for counterexamples. */
  describe(): string;
}

export interface CrashSpace {
  readonly axes: readonly number[];
  /** The number of points; capped at Number.MAX_SAFE_INTEGER. */
  readonly total: number;
  build(choice: readonly number[]): CrashState;
}

/** What crashSpace snapshots of a state: everything a point's build reads. */
interface SpaceParts {
  readonly knobs: SimKnobs;
  /** Undecided directory-entry changes, one boolean axis each (first in the space). */
  readonly dirOps: readonly DirOp[];
  readonly spaceByInode: ReadonlyMap<number, { readonly inode: number; readonly space: FileCrashSpace; readonly offset: number }>;
  /** The durable entries of every directory, live or removed. */
  readonly durableEntries: readonly (readonly [string, ReadonlyMap<string, number>])[];
  readonly durableDirs: readonly string[];
  readonly caches: ReadonlyMap<number, FileContent | undefined>;
  /** One file's image at one sub-choice, built once (most files have few distinct choices). */
  fileImage(fileSpace: { inode: number; space: FileCrashSpace }, sub: readonly number[]): { image: FileCrashImage; digest: string };
}

/** The crash space of a simulator state (not modified). */
export function crashSpace(state: SimState): CrashSpace {
  // Pending entry changes exist only with dirSync on, or for mkdir with mkdirSync on.
  const dirOps = [...state.pendingDirOps];
  const inodes = new Set<number>();
  for (const dir of [...state.dirs.values(), ...state.removedDirs.values()]) for (const inode of dir.durable.values()) inodes.add(inode);
  // Not a pending rename: the inode it moves was named already, durably or by a create or link.
  for (const op of dirOps) if (op.kind === 'create' || op.kind === 'link') inodes.add(op.inode);
  const fileSpaces: { inode: number; space: FileCrashSpace; offset: number }[] = [];
  let offset = dirOps.length;
  // Stryker disable next-line ArithmeticOperator: the sort fixes one order of the files' axes; any fixed order gives the same crash states
  for (const inode of [...inodes].sort((a, b) => a - b)) {
    const file = state.files.get(inode);
    if (file === undefined) continue;
    const space = cachedFileSpace(file, state.knobs);
    fileSpaces.push({ inode, space, offset });
    offset += space.axes.length;
  }
  const axes = [...dirOps.map(() => 2), ...fileSpaces.flatMap((f) => f.space.axes)];
  const total = axes.reduce((product, radix) => Math.min(Number.MAX_SAFE_INTEGER, product * radix), 1);
  // Snapshots of what build() reads, so the space stays valid while the simulator runs on.
  const parts: SpaceParts = {
    knobs: state.knobs,
    dirOps,
    spaceByInode: new Map(fileSpaces.map((f) => [f.inode, f] as const)),
    durableEntries: [...state.removedDirs, ...state.dirs].map(([path, dir]) => [path, new Map(dir.durable)] as const),
    durableDirs: [...state.durableDirs],
    caches: new Map([...inodes].map((inode) => [inode, state.files.get(inode)?.cache] as const)),
    fileImage: memoizedFileImages(),
  };
  // Without undecided entry changes every point has the same entries and directories: share them.
  const shared = dirOps.length === 0 ? { entries: copyEntries(parts.durableEntries), dirPaths: existingDirs(new Set(parts.durableDirs)) } : null;
  return { axes, total, build: (choice) => buildCrashState(parts, shared, choice) };
}

/** A file's crash space, made once per version of the file (most files do not change between crash points). */
const fileSpaces = new WeakMap<SimFile, { readonly version: number; readonly knobs: SimKnobs; readonly space: FileCrashSpace }>();

function cachedFileSpace(file: SimFile, knobs: SimKnobs): FileCrashSpace {
  const known = fileSpaces.get(file);
  if (known !== undefined && known.version === file.version && known.knobs === knobs) return known.space;
  const space = fileCrashSpace(file, knobs);
  fileSpaces.set(file, { version: file.version, knobs, space });
  return space;
}

function copyEntries(entries: SpaceParts['durableEntries']): Map<string, Map<string, number>> {
  return new Map(entries.map(([path, durable]) => [path, new Map(durable)] as const));
}

/** Images held by one space's memo at most, in entries and in bytes they do not share with the base. */
const MEMO_ENTRIES = 4096;
const MEMO_BYTES = 64 * 1024 * 1024;

function memoizedFileImages(): SpaceParts['fileImage'] {
  const built = new Map<string, { image: FileCrashImage; digest: string }>();
  let heldBytes = 0;
  return (fileSpace, sub) => {
    const key = `${fileSpace.inode}:${sub.join(',')}`;
    let found = built.get(key);
    if (found === undefined) {
      const image = fileSpace.space.build(sub);
      found = { image, digest: contentDigest(image.content) };
      // Stryker disable next-line all: memory only: when the memo is emptied changes what is built again, never what is built
      if (built.size >= MEMO_ENTRIES || heldBytes + image.ownedBytes > MEMO_BYTES) {
        built.clear();
        heldBytes = 0;
      }
      built.set(key, found);
      // Stryker disable next-line AssignmentOperator: memory only, as above
      heldBytes += image.ownedBytes;
    }
    return found;
  };
}

function buildCrashState(parts: SpaceParts, shared: { entries: Map<string, Map<string, number>>; dirPaths: string[] } | null, choice: readonly number[]): CrashState {
  const entries = shared?.entries ?? copyEntries(parts.durableEntries);
  const existing = new Set(parts.durableDirs);
  const decided = parts.dirOps.map((op, i) => ({ op, persisted: (choice[i] ?? 0) === 1 }));
  applyDirOpsInOrder(entries, decided, existing);
  const dirReport = decided.map(({ op, persisted }) => ({ seq: op.seq, description: describeDirOp(op), persisted }));
  const dirPaths = shared?.dirPaths ?? existingDirs(existing);
  const dirSet = new Set(dirPaths);
  const images = new Map<number, { image: FileCrashImage; digest: string }>();
  const files = new Map<string, CrashFile>();
  const hash = new Digest();
  // Stryker disable next-line all: every directory the state knows is a key of `entries` from the start, in one order whatever the choice, so this sort fixes only the order a state lists its files in, never which states are told apart (the names' sort below does that)
  for (const [dir, names] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // The entries of a directory that did not survive the crash went with it.
    if (!dirSet.has(dir)) continue;
    for (const [name, inode] of [...names].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const fileSpace = parts.spaceByInode.get(inode);
      const cacheContent = parts.caches.get(inode);
      if (fileSpace === undefined || cacheContent === undefined) continue;
      let built = images.get(inode);
      if (built === undefined) {
        built = parts.fileImage(fileSpace, choice.slice(fileSpace.offset, fileSpace.offset + fileSpace.space.axes.length));
        images.set(inode, built);
      }
      const path = joinPath(dir, name);
      files.set(path, new CrashFile(built.image, path, inode, cacheContent));
      hash.text(path).text(built.digest);
    }
  }
  for (const dir of dirPaths) hash.text(`dir:${dir}`);
  return {
    choice: [...choice],
    key: hash.digest(),
    knobs: parts.knobs,
    files,
    dirs: dirPaths,
    dirOps: dirReport,
    image: () => SimFileSystem.fromImage(parts.knobs, new Map([...files].map(([path, f]) => [path, f.content] as const)), dirPaths),
    describe: () => describeCrashState(files, dirReport),
  };
}

/** The directories of `durable` whose ancestors all exist too (a lost parent takes its children). */
function existingDirs(durable: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const dir of durable) {
    let at = dir;
    let ok = true;
    while (at !== '/') {
      if (!durable.has(at)) {
        ok = false;
        break;
      }
      at = parentOf(at);
    }
    if (ok) out.push(dir);
  }
  return out.sort();
}

function describeCrashState(files: ReadonlyMap<string, CrashFile>, dirOps: readonly { description: string; persisted: boolean }[]): string {
  const lines: string[] = [];
  for (const op of dirOps) lines.push(`  dir: ${op.description} ${op.persisted ? 'persisted' : 'lost'}`);
  for (const file of files.values()) {
    const counts = new Map<string, number>();
    for (const run of file.classRuns()) {
      // Stryker disable next-line StringLiteral: a run's value is a ByteClass code, always named; the fallback only satisfies the index type
      const name = BYTE_CLASS_NAMES[run.value] ?? 'lost';
      counts.set(name, (counts.get(name) ?? 0) + run.endBytes - run.startBytes);
    }
    const pieces = file.pieces
      .filter((p) => p.fate !== 'durable')
      .map((p) => (p.kind === 'write' ? `op${p.seq}/sector${p.sector} ${p.fate}` : `${p.kind}@op${p.seq} ${p.fate}`));
    const classText = [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
    lines.push(
      `  ${file.path}: ${file.content.sizeBytes} bytes on disk (page cache had ${file.cacheContent.sizeBytes}; ${classText || 'empty'})` +
        (file.sizeMode === 'cut' ? '' : `, grown region reads as ${file.sizeMode}`) +
        (pieces.length > 0 ? `\n    unsynced sector writes: ${pieces.join(', ')}` : ''),
    );
  }
  return lines.join('\n');
}

/** Decodes the `index`-th point of a mixed-radix space (axis 0 varies slowest). */
export function choiceAt(axes: readonly number[], index: number): number[] {
  // Stryker disable next-line ArrayDeclaration: the array sized ahead; the loop below sets every index either way
  const choice = new Array<number>(axes.length).fill(0);
  let rest = index;
  for (let i = axes.length - 1; i >= 0; i--) {
    const radix = axes[i] ?? 1;
    choice[i] = rest % radix;
    rest = Math.floor(rest / radix);
  }
  return choice;
}

export interface EnumerateOptions {
  /** Distinct crash states at most, but a sampled space always yields its two extremes; exhaustive when the space is no larger (sampling draws up to 4x as many points). */
  readonly maxStates: number;
  /** Seed for sampling when the space is larger than maxStates. */
  readonly seed: number;
}

/**
 * The crash states of `space`, distinct by image, as they are built: all of them when
 * `space.total <= maxStates`, otherwise up to maxStates distinct images at seeded random points.
 */
export function* crashStatesOf(space: CrashSpace, options: EnumerateOptions): Generator<CrashState> {
  const seen = new Set<string>();
  let found = 0;
  const visit = (choice: readonly number[]): CrashState | null => {
    const state = space.build(choice);
    if (seen.has(state.key)) return null;
    seen.add(state.key);
    found++;
    return state;
  };
  if (space.total <= options.maxStates) {
    for (let i = 0; i < space.total; i++) {
      const state = visit(choiceAt(space.axes, i));
      if (state !== null) yield state;
    }
    return;
  }
  const random = seededRandom(options.seed);
  // The two extremes first: nothing unsynced survived, and everything did. Then random points
  // until maxStates distinct images; a draw that repeats an image is retried, up to four draws per
  // state, so a space with few distinct images does not waste the budget.
  for (const extreme of [space.axes.map(() => 0), space.axes.map((radix) => radix - 1)]) {
    const state = visit(extreme);
    if (state !== null) yield state;
  }
  for (let drawn = 2; found < options.maxStates && drawn < 4 * options.maxStates; drawn++) {
    const state = visit(space.axes.map((radix) => randomInt(random, radix)));
    if (state !== null) yield state;
  }
}

/** crashStatesOf, all at once, and whether that was every point of the space. */
export function enumerateCrashStates(space: CrashSpace, options: EnumerateOptions): { states: CrashState[]; exhaustive: boolean } {
  return { states: [...crashStatesOf(space, options)], exhaustive: space.total <= options.maxStates };
}

/** The crash space after the first `count` operations of an op log. */
export function crashSpaceAt(knobs: SimKnobs, log: readonly SimOp[], count: number): CrashSpace {
  return crashSpace(stateAfter(knobs, log, count));
}

/**
 * One crash state of the simulator as it is now, chosen deterministically by `seed`: the same
 * simulator history and seed always give the same state. For model-based tests.
 */
export function pickCrashState(sim: SimFileSystem, seed: number): CrashState {
  const space = crashSpace(sim.state);
  const random = seededRandom(seed);
  return space.build(space.axes.map((radix) => randomInt(random, radix)));
}
