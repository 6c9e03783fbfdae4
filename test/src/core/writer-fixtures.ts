// The writer on a new log, built by hand, and the small steps its unit tests share
// (writer.test.ts, writer.edges.test.ts, writer-segments.test.ts, writer-fsync.test.ts).
import type { Effect } from '../../../src/core/effects.js';
import { SEGMENT_HEADER_BYTES, segmentFileName } from '../../../src/core/format.js';
import { segmentSalt } from '../../../src/core/segment-header.js';
import * as writer from '../../../src/core/writer.js';
import { initialWriterState, type FreeFile, type SyncMode, type WriterState } from '../../../src/core/writer-state.js';

export const enc = new TextEncoder();

export interface FreshOptions {
  readonly preallocate?: boolean;
  readonly recycleSegments?: number;
  readonly free?: readonly FreeFile[];
}

/** A writer on a new log; without preallocation unless asked, so the segment files grow as written. */
export function fresh(syncMode: SyncMode = 'per-commit', segmentTargetBytes = 1 << 20, maxCommits: number | null = null, options: FreshOptions = {}): WriterState {
  const preallocate = options.preallocate ?? false;
  return initialWriterState({
    config: { syncMode, segmentTargetBytes, maxCommits, preallocate, recycleSegments: options.recycleSegments ?? 0 },
    active: {
      id: 1,
      name: segmentFileName(1),
      baseLsn: 1,
      salt: segmentSalt(1, 1),
      writtenBytes: SEGMENT_HEADER_BYTES,
      sizeBytes: preallocate ? segmentTargetBytes : SEGMENT_HEADER_BYTES,
      hasRecords: false,
    },
    sealed: [],
    free: options.free ?? [],
    maxLsnOnDisk: 0,
    durableLsn: 0,
    lastSnapshotLsn: null,
  });
}

/** Runs a step that must succeed and returns its state, effects and value. */
export function ok<T>(step: writer.WriterStep<T>): { state: WriterState; effects: readonly Effect[]; value: T } {
  if (!step.ok) throw new Error(`step refused: ${JSON.stringify(step.error)}`);
  return step;
}

export function transaction(state: WriterState, events: string[]): { state: WriterState; effects: Effect[]; commitLsn: number } {
  const b = ok(writer.begin(state));
  const batch = ok(writer.appendBatch(b.state, b.value, events.map((e) => enc.encode(e))));
  const c = ok(writer.commit(batch.state, b.value));
  return { state: c.state, effects: [...b.effects, ...batch.effects, ...c.effects], commitLsn: c.value };
}

export const kinds = (effects: readonly Effect[]) => effects.map((e) => e.kind);
