// The device and file-system capabilities a crash may exploit, in the spirit of SQLite's test
// VFS capability flags (test6.c). Every knob is a promise the device does NOT make when it is off,
// so turning a knob off only ever adds crash states.

export interface SimKnobs {
  /** The unit a write persists in; a write larger than a sector may tear at a sector boundary. */
  readonly sectorBytes: number;
  /** On: unsynced writes to a file persist as a prefix in issue order. Off: any subset of sectors. */
  readonly ordered: boolean;
  /** On: a file only grows over data that reached the disk. Off: it may grow over zeros or garbage. */
  readonly safeAppend: boolean;
  /** On: creates, renames and unlinks are durable only once the parent directory is fsynced. */
  readonly dirSync: boolean;
  /**
   * On: a created directory (mkdir) is itself an entry change that is durable only once its
   * parent directory is fsynced; until then a crash may lose it with everything inside it.
   * Off (the default, and always absent from older knob objects): directories are durable at once.
   */
  readonly mkdirSync?: boolean;
}

export const DEFAULT_KNOBS: SimKnobs = { sectorBytes: 512, ordered: true, safeAppend: true, dirSync: true };

export function resolveKnobs(partial: { readonly [K in keyof SimKnobs]?: SimKnobs[K] | undefined } = {}): SimKnobs {
  const knobs: SimKnobs = {
    sectorBytes: partial.sectorBytes ?? DEFAULT_KNOBS.sectorBytes,
    ordered: partial.ordered ?? DEFAULT_KNOBS.ordered,
    safeAppend: partial.safeAppend ?? DEFAULT_KNOBS.safeAppend,
    dirSync: partial.dirSync ?? DEFAULT_KNOBS.dirSync,
    ...(partial.mkdirSync === true ? { mkdirSync: true } : {}),
  };
  if (!Number.isSafeInteger(knobs.sectorBytes) || knobs.sectorBytes < 1) {
    throw new RangeError(`crash-sim: sectorBytes must be a positive integer, got ${knobs.sectorBytes}`);
  }
  return knobs;
}

/** "ordered safeAppend dirSync 512" style label for reports and test titles. */
export function describeKnobs(knobs: SimKnobs): string {
  return [
    knobs.ordered ? 'ordered' : 'unordered',
    knobs.safeAppend ? 'safeAppend' : 'unsafeAppend',
    knobs.dirSync ? 'dirSync' : 'noDirSync',
    ...(knobs.mkdirSync === true ? ['mkdirSync'] : []),
    `${knobs.sectorBytes}B sectors`,
  ].join(', ');
}
