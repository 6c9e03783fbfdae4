// One line per crash state, in the program's own terms: which of the calls not yet made durable at
// the crash point were kept, lost or torn. Pure.
//
//   crash after #41 fsync(db/000005.log): rename(db/CURRENT.dbtmp → db/CURRENT) lost,
//   unlink(db/MANIFEST-000001) kept, pwrite64(db/000005.log, 120 bytes @0) torn (1 of 2 sectors)
//
// What was lost or torn comes first, every item of it: that is what the checker tripped over.
// Kept entry changes (create, rename, unlink, link, mkdir, rmdir) follow by name while they are
// few, and are counted otherwise; kept writes are counted. An entry change kept while an earlier
// one was lost (a rename that persisted without the create before it) is part of the story, so
// kept changes issued after the first lost one are named before the others.

import type { CrashState } from '../../crash-sim/crash-states.js';

export interface StateSummary {
  readonly text: string;
  /** How much the state lost: entry changes lost + writes lost or torn (smaller is simpler). */
  readonly weight: number;
}

const MAX_ITEMS = 6;

export function describeCrashState(state: CrashState, calls: readonly string[], afterOp: number): StateSummary {
  const lost: string[] = [];
  const keptAfterLoss: string[] = [];
  const keptBefore: string[] = [];
  for (const op of state.dirOps) {
    const call = calls[op.seq] ?? op.description;
    if (!op.persisted) lost.push(`${call} lost`);
    else (lost.length > 0 ? keptAfterLoss : keptBefore).push(`${call} kept`);
  }
  let keptWrites = 0;
  for (const file of state.files.values()) {
    const bySeq = new Map<number, { kept: number; lost: number }>();
    for (const piece of file.pieces) {
      if (piece.fate === 'durable') continue;
      const entry = bySeq.get(piece.seq) ?? { kept: 0, lost: 0 };
      if (piece.fate === 'survived') entry.kept++;
      else entry.lost++;
      bySeq.set(piece.seq, entry);
    }
    for (const [seq, entry] of [...bySeq].sort(([a], [b]) => a - b)) {
      const call = calls[seq] ?? `op ${seq}`;
      if (entry.lost === 0) keptWrites++;
      else if (entry.kept === 0) lost.push(`${call} lost`);
      else lost.push(`${call} torn (${entry.kept} of ${entry.kept + entry.lost} sectors kept)`);
    }
    if (file.sizeMode !== 'cut') lost.push(`${file.path.slice(1)} grew over ${file.sizeMode}`);
  }
  const kept = [...keptAfterLoss, ...keptBefore];
  const items = [...lost];
  const room = Math.max(0, MAX_ITEMS - lost.length);
  items.push(...kept.slice(0, room));
  const otherKept = kept.length - Math.min(kept.length, room) + keptWrites;
  if (otherKept > 0) items.push(`${otherKept} other unsynced call${otherKept === 1 ? '' : 's'} kept`);
  const where = `crash after #${afterOp} ${calls[afterOp] ?? ''}`.trimEnd();
  return { text: items.length === 0 ? `${where}: every call so far durable` : `${where}: ${items.join(', ')}`, weight: lost.length };
}
