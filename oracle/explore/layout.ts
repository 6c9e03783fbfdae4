// Which bytes of which write hold which record: the placements the oracle walks a crash image by.
//
// The writer hands the OS whole frames in LSN order: a write at offset 0 of a segment starts with
// the segment header, and every other byte it carries belongs to the session's next records, one
// whole frame each. So from the op log (offsets and lengths of the writes) and the history (the
// records of each session, in LSN order) the oracle places every frame with its own arithmetic
// (disk-format.ts). The bytes a placement expects are the ones that write carried; whether a crash
// image holds that frame intact is then a plain byte comparison, never a decode.
//
// Recovery may also write bytes that are already there (walref's open rewrites the active
// segment's whole frames so that a following fsync really persists them, see fsyncgate): the
// part of a write equal to what the file already holds places nothing new, and the placements of
// the earlier writes keep describing those bytes.
//
// If the writes do not split into whole frames of the expected sizes, the layout reports it: the
// format on disk disagrees with docs/format.md, or the writer wrote records the API never returned.
//
// Files are reused (docs/format.md "Preallocation and reuse"): a segment's header is written into a
// free file, which is then renamed to the segment's name, and a freed segment is renamed to a free
// file. Placements are kept by name and copied along every rename, so a name shows the placements
// of every life of its file; the header placement says which life a frame belongs to (a frame is
// of the current life when it was placed after the header). Zeros place nothing: the end marker
// after the frames of a write, and the zeros recovery writes over bytes it must never read again.

import { allZero, isFreeFileName, ORACLE_SEGMENT_HEADER_BYTES, segmentIdOf } from './disk-format.js';
import type { HistoryRecord, ExploreHistory } from './explore-history.js';
import { DEFAULT_KNOBS } from '../../crash-sim/knobs.js';
import { normalizePath, splitPath } from '../../crash-sim/sim-paths.js';
import { bytesOf } from '../../crash-sim/sim-query.js';
import { applyOp } from '../../crash-sim/apply-op.js';
import { emptyState, type SimOp } from '../../crash-sim/sim-state.js';

export type Placement =
  | { readonly kind: 'header'; readonly file: string; readonly offsetBytes: number; readonly bytes: Uint8Array; readonly opIndex: number }
  | {
      readonly kind: 'frame';
      readonly file: string;
      readonly offsetBytes: number;
      readonly bytes: Uint8Array;
      readonly opIndex: number;
      readonly record: HistoryRecord;
    };

export interface Layout {
  /** Placements by segment file name, then by offset. */
  readonly byFile: ReadonlyMap<string, ReadonlyMap<number, readonly Placement[]>>;
  readonly problems: readonly string[];
}

export function sessionAt(history: ExploreHistory, opIndex: number): number {
  let session = 0;
  for (const s of history.sessions) if (s.startOp <= opIndex) session = s.session;
  return session;
}

export function buildLayout(history: ExploreHistory, log: readonly SimOp[]): Layout {
  const queues = new Map<number, HistoryRecord[]>();
  for (const record of history.records) {
    const queue = queues.get(record.session) ?? [];
    queue.push(record);
    queues.set(record.session, queue);
  }
  for (const queue of queues.values()) queue.sort((a, b) => a.lsn - b.lsn);
  const placer = new Placer();
  // The page cache as each write finds it, to tell rewrites from new bytes.
  const folded = emptyState(DEFAULT_KNOBS);
  const walFile = (name: string): boolean => segmentIdOf(name) !== null || isFreeFileName(name);
  const walDir = normalizePath(history.dir);
  for (const op of log) {
    // Only the range the write covers matters: the bytes there before it.
    const before = op.kind === 'write' ? bytesOf(folded, op.inode, op.offsetBytes, op.data.length) : undefined;
    applyOp(folded, op);
    if (op.kind === 'rename') {
      const from = splitPath(op.from);
      const to = splitPath(op.to);
      if (from.dir === walDir && to.dir === walDir && walFile(to.name)) placer.rename(from.name, to.name);
      continue;
    }
    if (op.kind !== 'write' || before === undefined) continue;
    const { name, dir } = splitPath(op.path);
    if (dir !== walDir || !walFile(name)) continue;
    const session = sessionAt(history, op.index);
    placer.placeWrite(op, name, before, session, queues.get(session) ?? []);
  }
  return { byFile: placer.byFile, problems: placer.problems };
}

/** Places the bytes of each segment write: a header at offset 0, then one whole frame per record of the session, in LSN order. */
class Placer {
  readonly byFile = new Map<string, Map<number, Placement[]>>();
  readonly problems: string[] = [];
  /** Per session, how many of its records writes have placed. */
  readonly #cursors = new Map<number, number>();

  placeWrite(op: Extract<SimOp, { kind: 'write' }>, name: string, before: Uint8Array, session: number, queue: readonly HistoryRecord[]): void {
    // A write of exactly the bytes already there (recovery's rewrite) places nothing new. Only a
    // whole write counts: a frame of a reused file may begin with the same bytes as the stale one
    // it overwrites (the same length, say), and is new all the same. `from` is relative to the write.
    const sameAsBefore = (from: number, bytes: Uint8Array): boolean =>
      from + bytes.length <= before.length && bytes.every((byte, i) => before[from + i] === byte);
    let at = op.offsetBytes;
    let data = op.data;
    // allZero holds for no bytes too: an empty write places nothing.
    if (allZero(data) || sameAsBefore(0, data)) return;
    if (at === 0) {
      const header = data.subarray(0, ORACLE_SEGMENT_HEADER_BYTES);
      // A header written again as it was keeps its life; a new one starts a new life.
      if (!sameAsBefore(0, header)) this.#place({ kind: 'header', file: name, offsetBytes: 0, bytes: header.slice(), opIndex: op.index });
      if (data.length < ORACLE_SEGMENT_HEADER_BYTES) this.problems.push(`op ${op.index}: a ${data.length}-byte write at offset 0 of ${name} is shorter than a segment header`);
      at = ORACLE_SEGMENT_HEADER_BYTES;
      // Behind a header the frames are placed as records even when they equal the old bytes: a
      // write that starts at offset 0 and is no rewrite (checked above, whole) starts a new life,
      // whose frames a v2 salt makes differ from any older life's, and only v2 files are reused.
      data = data.subarray(Math.min(data.length, ORACLE_SEGMENT_HEADER_BYTES));
    }
    let cursor = this.#cursors.get(session) ?? 0;
    // The end marker after the last frame of the write is zeros, and places nothing (nor does
    // nothing: allZero holds for no bytes).
    while (!allZero(data)) {
      const record = queue[cursor];
      if (record === undefined) {
        this.problems.push(`op ${op.index}: ${data.length} bytes written to ${name} at offset ${at} carry no record the API returned in session ${session}`);
        break;
      }
      if (record.frameBytes > data.length) {
        this.problems.push(`op ${op.index}: the write to ${name} ends ${data.length} bytes into LSN ${record.lsn} (${record.kind}), whose frame is ${record.frameBytes} bytes by docs/format.md`);
        break;
      }
      this.#place({ kind: 'frame', file: name, offsetBytes: at, bytes: data.slice(0, record.frameBytes), opIndex: op.index, record });
      at += record.frameBytes;
      data = data.subarray(record.frameBytes);
      cursor++;
    }
    this.#cursors.set(session, cursor);
  }

  /**
   * A rename within the WAL directory: the placements of `from` (every life of the file) go along to
   * `to`. A placement both names already hold (a file renamed back to a name it had) is kept once:
   * without that, every round of a recycled file through its free name would double its history.
   */
  rename(from: string, to: string): void {
    const moved = this.byFile.get(from);
    if (moved === undefined) return;
    const target = this.byFile.get(to) ?? new Map<number, Placement[]>();
    for (const [offset, list] of moved) target.set(offset, [...new Set([...(target.get(offset) ?? []), ...list])].sort((a, b) => a.opIndex - b.opIndex));
    this.byFile.set(to, target);
  }

  #place(placement: Placement): void {
    const offsets = this.byFile.get(placement.file) ?? new Map<number, Placement[]>();
    const list = offsets.get(placement.offsetBytes) ?? [];
    list.push(placement);
    offsets.set(placement.offsetBytes, list);
    this.byFile.set(placement.file, offsets);
  }
}
