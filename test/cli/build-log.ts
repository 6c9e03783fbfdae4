// Builds a small real log with the public API for the CLI tests: several segments (so the first
// ones are sealed), committed transactions with text and binary events, one aborted transaction
// and one checkpoint marker.

import { openWal } from '../../src/index.js';

export interface BuiltTransaction {
  readonly beginLsn: number;
  readonly commitLsn: number;
  readonly events: readonly Uint8Array[];
}

export interface BuiltLog {
  readonly committed: readonly BuiltTransaction[];
  readonly abortedBeginLsn: number;
  readonly checkpointLsn: number;
  /** The LSN the next record would get: every LSN below it is on disk. */
  readonly nextLsn: number;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A segment target this small makes begin() rotate every few transactions. */
export const SMALL_SEGMENT_BYTES = 200;

export async function buildLog(dir: string): Promise<BuiltLog> {
  const { wal } = await openWal(dir, { segmentTargetBytes: SMALL_SEGMENT_BYTES });
  const committed: BuiltTransaction[] = [];
  const commit = async (events: Uint8Array[]): Promise<void> => {
    const beginLsn = await wal.begin();
    if (events.length === 1 && events[0] !== undefined) await wal.append(beginLsn, events[0]);
    else await wal.appendBatch(beginLsn, events);
    const commitLsn = await wal.commit(beginLsn);
    committed.push({ beginLsn, commitLsn, events });
  };

  await commit([text('alpha'), text('beta')]);
  const abortedBeginLsn = await wal.begin();
  await wal.append(abortedBeginLsn, text('doomed'));
  await wal.abort(abortedBeginLsn);
  await commit([Uint8Array.of(0x00, 0xff, 0x10)]);
  const checkpointLsn = await wal.checkpointMarker(committed[0]!.commitLsn);
  for (let i = 0; i < 8; i++) await commit([text(`event ${i}`), text(`line\n${i}`), Uint8Array.of(i, 0x80)]);
  await wal.flush();
  const nextLsn = wal.nextLsn();
  await wal.close();
  return { committed, abortedBeginLsn, checkpointLsn, nextLsn };
}
