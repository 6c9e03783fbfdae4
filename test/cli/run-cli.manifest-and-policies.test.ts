// walref dump, replay and verify on a log with a MANIFEST, and their --recovery flag on a log this
// test damages itself. Read-only: none of them changes a byte of the directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { segmentFileName, SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { MANIFEST_FILE_NAME, MANIFEST_TEMP_FILE_NAME, snapshotFileName } from '../../src/core/manifest.js';
import { nodeFileSystem, openWal } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walref-cli-manifest-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferedIo();
  const code = await runCli(argv, io, nodeFileSystem);
  return { code, out: io.out(), err: io.err() };
}

const ev = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Four one-transaction segments (LSN 1-3, 4-6, 7-9, 10-12), a checkpoint at 6 keeping one older snapshot. */
async function logWithCheckpoint(): Promise<void> {
  const { wal } = await openWal(dir, { segmentTargetBytes: 64, retain: { snapshots: 2 } });
  for (const e of ['a', 'b']) await wal.waitDurable((await wal.writeTransaction([ev(e)])).commitLsn);
  await wal.checkpoint({ lsn: 3, snapshot: ev('{"a":1}') });
  await wal.checkpoint({ lsn: 6, snapshot: ev('{"a":1,"b":1}') });
  for (const e of ['c', 'd']) await wal.waitDurable((await wal.writeTransaction([ev(e)])).commitLsn);
  await wal.close();
}

const listing = (): Map<string, string> => new Map(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('hex')]));

describe('the CLI on a log with a MANIFEST', () => {
  it('dump shows the MANIFEST, the live snapshot with its checksum checked, the older one, and any leftover', async () => {
    await logWithCheckpoint();
    fs.writeFileSync(path.join(dir, MANIFEST_TEMP_FILE_NAME), 'half');
    const before = listing();
    const { code, out } = await cli('dump', dir);
    expect(code).toBe(0);
    expect(out).toContain('MANIFEST: epoch 2, segments from id 1 on, 2 snapshot(s)');
    expect(out).toContain(`live snapshot ${snapshotFileName(2)}: LSN 6 (the replay fence), 13 bytes`);
    expect(out).toContain('checksum ok');
    expect(out).toContain(`older snapshot ${snapshotFileName(1)}: LSN 3`);
    expect(out).toContain(`leftover: ${MANIFEST_TEMP_FILE_NAME}`);
    expect(listing()).toEqual(before);
  });

  it('replay starts after the live snapshot, and verify checks the snapshot against the MANIFEST', async () => {
    await logWithCheckpoint();
    const replayed = await cli('replay', dir);
    expect(replayed.code).toBe(0);
    expect(replayed.out).not.toContain('"b"');
    expect(replayed.out).toContain('2 committed transactions above checkpoint LSN 6');
    const ok = await cli('verify', dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`live snapshot ${snapshotFileName(2)}`);
    fs.writeFileSync(path.join(dir, snapshotFileName(2)), '{"a":1,"b":2}');
    const bad = await cli('verify', dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('BadSnapshot');
    expect(bad.err).toContain(snapshotFileName(2));
  });

  it('a damaged MANIFEST is reported by name with exit 1', async () => {
    await logWithCheckpoint();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE_NAME), 'WALREFMF');
    for (const command of ['dump', 'replay', 'verify']) {
      const { code, err } = await cli(command, dir);
      expect(code, command).toBe(1);
      expect(err, command).toContain('BadManifest');
      expect(err, command).toContain(MANIFEST_FILE_NAME);
    }
  });
});

describe('--recovery on replay and verify', () => {
  async function damaged(): Promise<void> {
    const { wal } = await openWal(dir, { segmentTargetBytes: 64 });
    for (const e of ['a', 'b', 'c']) await wal.waitDurable((await wal.writeTransaction([ev(e)])).commitLsn);
    await wal.close();
    const file = path.join(dir, segmentFileName(2));
    const bytes = fs.readFileSync(file);
    bytes[SEGMENT_HEADER_BYTES + 17 + 12] = (bytes[SEGMENT_HEADER_BYTES + 17 + 12] ?? 0) ^ 0xff;
    fs.writeFileSync(file, bytes);
  }

  it('replay under each policy: the default and absolute fail, point-in-time cuts, skip-corrupted skips; nothing is repaired', async () => {
    await damaged();
    const before = listing();
    expect((await cli('replay', dir)).code).toBe(1);
    expect((await cli('replay', dir, '--recovery', 'absolute')).code).toBe(1);
    const cut = await cli('replay', dir, '--recovery', 'point-in-time');
    expect(cut.code).toBe(0);
    expect(cut.out).toContain(`point-in-time: cut at segment ${segmentFileName(2)}`);
    expect(cut.out).toContain(`segments ${segmentFileName(3)} cut whole`);
    expect(cut.out).toContain('1 committed transactions');
    const skipped = await cli('replay', dir, '--recovery', 'skip-corrupted', '--json');
    expect(skipped.code).toBe(0);
    const json = JSON.parse(skipped.out) as { transactions: unknown[]; policyReport: { skipped: { droppedTransactions: number[] }[] } };
    expect(json.transactions).toHaveLength(2);
    expect(json.policyReport.skipped).toEqual([expect.objectContaining({ droppedTransactions: [4] })]);
    expect(listing()).toEqual(before);
  });

  it('verify says what a policy would cut or skip, and exits 1: the log is damaged', async () => {
    await damaged();
    const verified = await cli('verify', dir, '--recovery', 'skip-corrupted');
    expect(verified.code).toBe(1);
    expect(verified.out).toContain(`skip-corrupted: skipped segment ${segmentFileName(2)}`);
    expect(verified.err).toContain('damaged, recoverable under skip-corrupted');
  });

  it('verify --recovery absolute fails on a torn tail the default accepts', async () => {
    // Not preallocated: the bytes appended below follow the last frame (after preallocated zeros
    // they would lie beyond a clean end).
    const { wal } = await openWal(dir, { preallocate: false });
    await wal.waitDurable((await wal.writeTransaction([ev('a')])).commitLsn);
    await wal.close();
    fs.appendFileSync(path.join(dir, segmentFileName(1)), Buffer.from([7, 0]));
    expect((await cli('verify', dir)).code).toBe(0);
    const absolute = await cli('verify', dir, '--recovery', 'absolute');
    expect(absolute.code).toBe(1);
    expect(absolute.err).toContain('Damaged');
    expect(absolute.err).toContain('absolute');
  });
});
