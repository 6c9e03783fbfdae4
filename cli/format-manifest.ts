// The lines of `walref dump` and `walref verify` about the committed epoch: the MANIFEST, the live
// snapshot and older ones it names, and any leftover a crashed checkpoint left beside them; and
// the lines about what a recovery policy cut or skipped.

import { snapshotFileName, type Manifest } from '../src/core/manifest.js';
import type { PolicyReport } from '../src/core/replay.js';
import type { EpochView } from './read-log.js';

export function formatManifest(view: EpochView, liveChecked: boolean): string[] {
  const lines: string[] = [];
  const manifest = view.manifest;
  // A log without a MANIFEST (no checkpoint through one yet) dumps as it always did.
  if (manifest !== null) lines.push(...describeManifest(manifest, liveChecked));
  for (const file of view.leftovers) lines.push(`leftover: ${file} (not named by the MANIFEST; openWal removes it)`);
  return lines;
}

function describeManifest(manifest: Manifest, liveChecked: boolean): string[] {
  const [live, ...older] = manifest.snapshots;
  const lines = [`MANIFEST: epoch ${manifest.epoch}, segments from id ${manifest.firstSegmentId} on, ${manifest.snapshots.length} snapshot(s)`];
  if (live !== undefined) {
    lines.push(
      `  live snapshot ${snapshotFileName(live.id)}: LSN ${live.lsn} (the replay fence), ${live.sizeBytes} bytes, ` +
        `CRC-32C 0x${live.crc32c.toString(16).padStart(8, '0')}${liveChecked ? ', checksum ok' : ''}`,
    );
  }
  for (const s of older) lines.push(`  older snapshot ${snapshotFileName(s.id)}: LSN ${s.lsn}, ${s.sizeBytes} bytes (kept by retain.snapshots)`);
  return lines;
}

/** What a recovery policy other than the default cut or skipped; nothing when it did neither. */
export function formatPolicyReport(report: PolicyReport | undefined): string[] {
  if (report === undefined) return [];
  const lines: string[] = [];
  const cut = report.cut;
  if (cut !== null) {
    lines.push(
      `${report.policy}: cut at segment ${cut.segment} offset ${cut.offsetBytes} (${cut.cause}, after LSN ${cut.lsn ?? 'none'}): ` +
        `${cut.droppedBytes} bytes dropped${cut.cutSegments.length > 0 ? `, segments ${cut.cutSegments.join(', ')} cut whole` : ''}`,
    );
  }
  for (const range of report.skipped) {
    lines.push(
      `${report.policy}: skipped segment ${range.segment} bytes ${range.offsetBytes}..${range.endOffsetBytes} (${range.cause}), ` +
        `between LSN ${range.afterLsn ?? 'none'} and ${range.beforeLsn ?? 'the end'}; transactions dropped: ` +
        `${range.droppedTransactions.length === 0 ? 'none' : range.droppedTransactions.map((lsn) => `begun at ${lsn}`).join(', ')}`,
    );
  }
  if (lines.length === 0) lines.push(`${report.policy}: nothing cut or skipped`);
  return lines;
}
