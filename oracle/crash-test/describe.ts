// One line per crash state, in the program's own terms: which of the calls not yet made durable at
// the crash point were kept, lost or torn. Pure.
//
//   crash after #41 fsync(db/000005.log): rename(db/CURRENT.dbtmp → db/CURRENT) lost,
//   unlink(db/MANIFEST-000001) kept, pwrite64(db/000005.log, 120 bytes @0) torn (1 of 2 sectors)
//
// Entry changes (create, rename, unlink, link, mkdir, rmdir) are each listed kept or lost. Writes
// and truncates are listed when lost or torn; kept ones are counted, so that an ordered prefix
// reads as "3 later writes lost" rather than as a list of everything that survived.

import type { CrashState } from '../../crash-sim/crash-states.js';

export interface StateSummary {
  readonly text: string;
  /** How much the state lost: entry changes lost + writes lost or torn (smaller is simpler). */
  readonly weight: number;
}

const MAX_ITEMS = 6;

export function describeCrashState(state: CrashState, calls: readonly string[], afterOp: number): StateSummary {
  const items: string[] = [];
  let weight = 0;
  for (const op of state.dirOps) {
    items.push(`${calls[op.seq] ?? op.description} ${op.persisted ? 'kept' : 'lost'}`);
    if (!op.persisted) weight++;
  }
  let keptWrites = 0;
  for (const file of state.files.values()) {
    const bySeq = new Map<number, { kept: number; lost: number; kind: string }>();
    for (const piece of file.pieces) {
      if (piece.fate === 'durable') continue;
      const entry = bySeq.get(piece.seq) ?? { kept: 0, lost: 0, kind: piece.kind };
      if (piece.fate === 'survived') entry.kept++;
      else entry.lost++;
      bySeq.set(piece.seq, entry);
    }
    for (const [seq, entry] of [...bySeq].sort(([a], [b]) => a - b)) {
      const call = calls[seq] ?? `op ${seq}`;
      if (entry.lost === 0) keptWrites++;
      else if (entry.kept === 0) {
        items.push(`${call} lost`);
        weight++;
      } else {
        items.push(`${call} torn (${entry.kept} of ${entry.kept + entry.lost} sectors kept)`);
        weight++;
      }
    }
    if (file.sizeMode !== 'cut') {
      items.push(`${file.path.slice(1)} grew over ${file.sizeMode}`);
      weight++;
    }
  }
  const shown = items.slice(0, MAX_ITEMS);
  if (items.length > MAX_ITEMS) shown.push(`${items.length - MAX_ITEMS} more`);
  if (keptWrites > 0) shown.push(`${keptWrites} unsynced write${keptWrites === 1 ? '' : 's'} kept`);
  const where = `crash after #${afterOp} ${calls[afterOp] ?? ''}`.trimEnd();
  return { text: shown.length === 0 ? `${where}: every call durable` : `${where}: ${shown.join(', ')}`, weight };
}
