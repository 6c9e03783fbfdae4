// One line per crash state, in the program's own terms: which of the calls not yet made durable at
// the crash point were kept, lost or torn. Every call carries its op-log index after its name, so
// two calls with one description are told apart (the index is the one `walref crash-test` counts
// crash points by, and the HTML report lists the calls by). Pure.
//
//   crash after fsync#41(db/000005.log): rename#37(db/CURRENT.dbtmp → db/CURRENT) lost,
//   unlink#38(db/MANIFEST-000001) kept, pwrite64#40(db/000005.log, 120 bytes @0) torn (1 of 2 sectors kept)
//
// What was lost or torn comes first, every item of it: that is what the checker tripped over.
// Kept entry changes (create, rename, unlink, link, mkdir, rmdir) follow by name while they are
// few, and are counted otherwise; kept writes are counted. An entry change kept while an earlier
// one was lost (a rename that persisted without the create before it) is part of the story, so
// kept changes issued after the first lost one are named before the others. The same facts, every
// call named, are kept as data (`calls`) for --json and the HTML report.

import type { CrashState } from '../../crash-sim/crash-states.js';

/** What became of one call that was not yet durable at the crash point. */
export interface CallFate {
  /** The op-log index of the call (`rename#6`). */
  readonly index: number;
  /** The call as crash-test describes it, without its index: `rename(a → b)`. */
  readonly call: string;
  readonly fate: 'lost' | 'kept' | 'torn';
  /** For a torn write: how many of its sectors were kept, of how many. */
  readonly sectors?: { readonly kept: number; readonly of: number };
}

export interface StateSummary {
  readonly text: string;
  /** How much the state lost: entry changes lost + writes lost or torn (smaller is simpler). */
  readonly weight: number;
  /** The call the crash happened right after. */
  readonly crashAfter: { readonly index: number; readonly call: string };
  /** Every undecided call at the crash point and its fate, entry changes first, in issue order. */
  readonly calls: readonly CallFate[];
  /** Files that grew over bytes that never reached the disk (unsafe append): path and what they read as. */
  readonly grown: readonly { readonly path: string; readonly over: 'zeros' | 'garbage' }[];
}

const MAX_ITEMS = 6;

/**
 * A call named with its op-log index: `rename(a → b)` at index 6 is `rename#6(a → b)`. A
 * description that is not a call (`the initial contents of --dir (…)`) reads `#0 the initial …`.
 */
export function callLabel(call: string, index: number): string {
  const name = /^[A-Za-z_]\w*(?=\()/.exec(call);
  return name === null ? `#${index} ${call}`.trimEnd() : `${name[0]}#${index}${call.slice(name[0].length)}`;
}

/** The one-line text of a fate: `rename#6(a → b) lost`, `write#9(f, 1024 bytes @0) torn (1 of 2 sectors kept)`. */
export function fateText(fate: CallFate): string {
  const label = callLabel(fate.call, fate.index);
  if (fate.fate !== 'torn' || fate.sectors === undefined) return `${label} ${fate.fate}`;
  return `${label} torn (${fate.sectors.kept} of ${fate.sectors.of} sectors kept)`;
}

/** The undecided entry changes of `state`, then its writes with a piece not durable, file by file. */
function fatesOf(state: CrashState, calls: readonly string[]): { entries: CallFate[]; writes: CallFate[]; grown: StateSummary['grown'][number][] } {
  const entries: CallFate[] = state.dirOps.map((op) => ({ index: op.seq, call: calls[op.seq] ?? op.description, fate: op.persisted ? 'kept' : 'lost' }));
  const writes: CallFate[] = [];
  const grown: StateSummary['grown'][number][] = [];
  for (const file of state.files.values()) {
    const bySeq = new Map<number, { kept: number; lost: number }>();
    for (const piece of file.pieces) {
      if (piece.fate === 'durable') continue;
      const entry = bySeq.get(piece.seq) ?? { kept: 0, lost: 0 };
      if (piece.fate === 'survived') entry.kept++;
      else entry.lost++;
      bySeq.set(piece.seq, entry);
    }
    // A file's pieces come in issue order, so the map's order is already the calls' order.
    for (const [seq, entry] of bySeq) {
      const call = calls[seq] ?? `op ${seq}`;
      if (entry.lost === 0) writes.push({ index: seq, call, fate: 'kept' });
      else if (entry.kept === 0) writes.push({ index: seq, call, fate: 'lost' });
      else writes.push({ index: seq, call, fate: 'torn', sectors: { kept: entry.kept, of: entry.kept + entry.lost } });
    }
    if (file.sizeMode !== 'cut') grown.push({ path: file.path.slice(1), over: file.sizeMode });
  }
  return { entries, writes, grown };
}

export function describeCrashState(state: CrashState, calls: readonly string[], afterOp: number): StateSummary {
  const { entries, writes, grown } = fatesOf(state, calls);
  const lost: string[] = [];
  const keptAfterLoss: string[] = [];
  const keptBefore: string[] = [];
  for (const fate of entries) {
    if (fate.fate === 'lost') lost.push(fateText(fate));
    else (lost.length > 0 ? keptAfterLoss : keptBefore).push(fateText(fate));
  }
  // Writes come file by file, in issue order within a file; files that grew over lost bytes last.
  let keptWrites = 0;
  for (const fate of writes) {
    if (fate.fate === 'kept') keptWrites++;
    else lost.push(fateText(fate));
  }
  for (const g of grown) lost.push(`${g.path} grew over ${g.over}`);
  const kept = [...keptAfterLoss, ...keptBefore];
  const items = [...lost];
  const room = Math.max(0, MAX_ITEMS - lost.length);
  items.push(...kept.slice(0, room));
  const otherKept = kept.length - Math.min(kept.length, room) + keptWrites;
  if (otherKept > 0) items.push(`${otherKept} other unsynced call${otherKept === 1 ? '' : 's'} kept`);
  const crashAfter = { index: afterOp, call: calls[afterOp] ?? '' };
  const where = `crash after ${callLabel(crashAfter.call, afterOp)}`;
  return {
    text: items.length === 0 ? `${where}: every call so far durable` : `${where}: ${items.join(', ')}`,
    weight: lost.length,
    crashAfter,
    calls: [...entries, ...writes],
    grown,
  };
}
