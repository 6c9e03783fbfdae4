import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferedIo } from '../../cli/io.js';
import type { ReplayJson } from '../../cli/format-replay.js';
import { runCli } from '../../cli/run-cli.js';
import { encodeFrame } from '../../src/core/codec.js';
import { LOCK_FILE_NAME, parseSegmentFileName } from '../../src/core/format.js';
import { nodeFileSystem, openWal } from '../../src/index.js';
import type { FileSystem } from '../../src/fs/port.js';
import { wrapFs } from '../crash-sim/wrap-fs.js';
import { buildLog, type BuiltLog } from './build-log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walref-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferedIo();
  const code = await runCli(argv, io, nodeFileSystem);
  return { code, out: io.out(), err: io.err() };
}

/** Runs the real executable from source in a child process, as `npx walref` would. */
function spawnCli(...argv: string[]): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'cli/main.ts'), ...argv], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function segmentNames(): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => parseSegmentFileName(name) !== null)
    .sort();
}

function snapshotDir(): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))]));
}

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('walref dump, replay and verify on a well-formed log', () => {
  let log: BuiltLog;
  beforeEach(async () => {
    log = await buildLog(dir);
  });

  it('the test log spans several segments, so the first ones are sealed', () => {
    expect(segmentNames().length).toBeGreaterThanOrEqual(3);
  });

  it('dump lists every record once, in LSN order, with its segment header lines', async () => {
    const { code, out, err } = await cli('dump', dir);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lsns = [...out.matchAll(/^ {2}offset +\d+ +len +\d+ +LSN +(\d+) /gm)].map((m) => Number(m[1]));
    expect(lsns).toEqual(Array.from({ length: log.nextLsn - 1 }, (_, i) => i + 1));
    for (const name of segmentNames()) expect(out).toContain(`segment ${name}: version 2`);
    expect(out).toMatch(new RegExp(`LSN +${log.abortedBeginLsn + 2} +TxAbort +tx ${log.abortedBeginLsn}`));
    expect(out).toMatch(new RegExp(`LSN +${log.checkpointLsn} +Checkpoint +snapshot LSN ${log.committed[0]!.commitLsn}`));
    expect(out).toMatch(/MutationBatch +tx 1 +events 2 +sizes 5,4 \(total 9 B\)/);
    expect(out).toContain('torn tail: none');
    expect(out).toContain(`${log.committed.length} committed transactions`);
  });

  it('dump reads every segment once: one pass over the log', async () => {
    const base = wrapFs(nodeFileSystem, {});
    const reads: string[] = [];
    const counting: FileSystem = { ...base, readFile: (p) => (reads.push(p), base.readFile(p)), open: (p, mode) => (reads.push(p), base.open(p, mode)) };
    const io = bufferedIo();
    expect(await runCli(['dump', dir], io, counting)).toBe(0);
    expect(reads.map((p) => path.basename(p)).sort()).toEqual(segmentNames());
  });

  it('replay --json parses and holds exactly the committed transactions with their events', async () => {
    const { code, out } = await cli('replay', dir, '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as ReplayJson;
    expect(parsed.transactions.map((tx) => ({ beginLsn: tx.beginLsn, commitLsn: tx.commitLsn, events: tx.events.map((e) => e.hex) }))).toEqual(
      log.committed.map((tx) => ({ beginLsn: tx.beginLsn, commitLsn: tx.commitLsn, events: tx.events.map(decode) })),
    );
    expect(parsed.transactions[0]!.events.map((e) => e.utf8)).toEqual(['alpha', 'beta']);
    expect(parsed.transactions[1]!.events[0]).toEqual({ sizeBytes: 3, utf8: null, hex: '00ff10' });
    expect(parsed.maxLsn).toBe(log.nextLsn - 1);
    expect(parsed.tornTail).toBeNull();
    expect(parsed.checkpointObserved).toBe(log.committed[0]!.commitLsn);
  });

  it('replay as text shows printable events as quoted UTF-8 and others as hex', async () => {
    const { code, out } = await cli('replay', dir);
    expect(code).toBe(0);
    expect(out).toContain(`tx begin LSN 1, commit LSN ${log.committed[0]!.commitLsn}, 2 events\n  "alpha"\n  "beta"\n`);
    expect(out).toContain('  0x00ff10\n');
    expect(out).toContain('  "line\\n0"\n');
    expect(out).not.toContain('doomed');
  });

  it('replay --json of a log without committed transactions is still one JSON document', async () => {
    const fence = log.nextLsn;
    const { code, out } = await cli('replay', dir, '--json', '--checkpoint-lsn', String(fence));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ checkpointLsn: fence, transactions: [], maxLsn: log.nextLsn - 1, tornTail: null, checkpointObserved: null, end: { kind: 'zeros' } });
  });

  it('replay --checkpoint-lsn skips the transactions at or below the checkpoint LSN', async () => {
    const fence = log.committed[2]!.commitLsn;
    const { code, out } = await cli('replay', dir, '--json', '--checkpoint-lsn', String(fence));
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as ReplayJson;
    expect(parsed.checkpointLsn).toBe(fence);
    expect(parsed.transactions.map((tx) => tx.commitLsn)).toEqual(log.committed.slice(3).map((tx) => tx.commitLsn));
  });

  it('a checkpoint LSN inside a transaction is reported as malformed, with a note that it may split one', async () => {
    const tx = log.committed[2]!;
    const { code, err } = await cli('replay', dir, '--checkpoint-lsn', String(tx.beginLsn));
    expect(code).toBe(1);
    expect(err).toContain('Malformed');
    expect(err).toContain('missing-tx-begin');
    expect(err).toContain(`note: --checkpoint-lsn ${tx.beginLsn} may split a transaction`);
  });

  it('verify exits 0 with a one-line summary', async () => {
    const { code, out, err } = await cli('verify', dir);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(out).toContain(`ok: ${dir}: ${segmentNames().length} segments (${segmentNames().length} holding records), ${log.committed.length} committed transactions, max LSN ${log.nextLsn - 1}; no torn tail`);
  });

  it('a byte flipped inside a sealed segment makes verify exit 1 with one line naming the segment and offset', async () => {
    const sealed = segmentNames()[0]!;
    const dump = await cli('dump', dir);
    // The third record of the first segment: flip a byte inside its body.
    const offsets = [...dump.out.matchAll(/^ {2}offset +(\d+) /gm)].map((m) => Number(m[1]));
    const target = offsets[2]!;
    const file = path.join(dir, sealed);
    const bytes = fs.readFileSync(file);
    bytes[target + 10]! ^= 0x40;
    fs.writeFileSync(file, bytes);
    const before = snapshotDir();

    const { code, out, err } = await cli('verify', dir);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toContain('Corruption');
    expect(err).toContain(sealed);
    expect(err).toContain(`offset ${target}`);

    const replayed = await cli('replay', dir, '--json');
    expect(replayed.code).toBe(1);
    expect(replayed.err).toContain(`Corruption: corruption in segment ${sealed} at offset ${target}`);

    const dumped = await cli('dump', dir);
    expect(dumped.code).toBe(1);
    expect(dumped.out).toContain(`error: Corruption: corruption in segment ${sealed} at offset ${target}`);
    expect(dumped.out).toContain(`offset ${String(target).padStart(10)}  frame does not decode: bad-checksum`);
    expect(snapshotDir()).toEqual(before);
  });

  it('a torn tail in the active segment is reported by every command and the file stays byte for byte the same', async () => {
    const active = segmentNames().at(-1)!;
    const file = path.join(dir, active);
    const clean = (JSON.parse((await cli('replay', dir, '--json')).out) as ReplayJson).end!;
    expect(clean).toMatchObject({ segment: active, kind: 'zeros' });
    // Half a frame where the live frames end: what a crash in the middle of a write leaves behind.
    const bytes = fs.readFileSync(file);
    const frame = encodeFrame({ kind: 'TxBegin', lsn: log.nextLsn }, bytes.readUInt32LE(28));
    bytes.set(frame.subarray(0, 11), clean.offsetBytes);
    fs.writeFileSync(file, bytes);
    const dropped = bytes.length - clean.offsetBytes;
    const before = snapshotDir();

    const verify = await cli('verify', dir);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain(`torn tail: segment ${active} at offset ${clean.offsetBytes}`);
    expect(verify.out).toContain(`${dropped} bytes to the end of the file, that openWal would write over from there`);
    const strict = await cli('verify', dir, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.err).toContain(`torn tail: segment ${active} at offset ${clean.offsetBytes}`);
    const dump = await cli('dump', dir);
    expect(dump.code).toBe(0);
    expect(dump.out).toContain(`torn tail: segment ${active} at offset ${clean.offsetBytes}`);
    const replay = await cli('replay', dir, '--json');
    const parsed = JSON.parse(replay.out) as ReplayJson;
    expect(parsed.tornTail).toMatchObject({ segment: active, offsetBytes: clean.offsetBytes, droppedBytes: dropped });
    expect(parsed.end).toMatchObject({ segment: active, offsetBytes: clean.offsetBytes, kind: 'torn' });

    expect(snapshotDir()).toEqual(before);
  });
  it('a bad frame in the active segment with valid frames after it makes verify exit 1, though openWal would treat it as a torn tail', async () => {
    const active = segmentNames().at(-1)!;
    const dump = await cli('dump', dir);
    const activeListing = dump.out.slice(dump.out.indexOf(`segment ${active}`));
    const offsets = [...activeListing.matchAll(/^ {2}offset +(\d+) /gm)].map((m) => Number(m[1]));
    expect(offsets.length).toBeGreaterThanOrEqual(3);
    const target = offsets[1]!;
    const file = path.join(dir, active);
    const bytes = fs.readFileSync(file);
    bytes[target + 16]! ^= 0x02;
    fs.writeFileSync(file, bytes);

    const { code, out, err } = await cli('verify', dir);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`walref verify: valid frames after a torn spot: `);
    expect(err).toContain(`segment ${active} at offset ${target}: bad-checksum`);
    expect(err).toContain('whole valid frames follow it');
  });
});

describe('walref next to a live writer', () => {
  it('dump and verify run while a writer holds the lock, and the writer keeps its lock and keeps committing', async () => {
    const { wal } = await openWal(dir);
    try {
      const b = await wal.begin();
      await wal.append(b, new TextEncoder().encode('live'));
      await wal.commit(b);
      await wal.flush();
      const lockBefore = fs.readFileSync(path.join(dir, LOCK_FILE_NAME));

      expect((await cli('verify', dir)).code).toBe(0);
      expect((await cli('dump', dir)).out).toContain('TxCommit');
      const spawned = spawnCli('verify', dir);
      expect(spawned.err).toBe('');
      expect(spawned.code).toBe(0);
      expect(spawned.out).toMatch(/^ok: .* 1 committed transactions/);

      expect(fs.readFileSync(path.join(dir, LOCK_FILE_NAME))).toEqual(lockBefore);
      await expect(openWal(dir)).rejects.toMatchObject({ code: 'AlreadyOpen' });
      const b2 = await wal.begin();
      await wal.append(b2, new TextEncoder().encode('after'));
      await wal.commit(b2);
      await wal.flush();
      expect(wal.poisoned()).toBeNull();
    } finally {
      await wal.close();
    }
    const replay = await cli('replay', dir, '--json');
    expect((JSON.parse(replay.out) as ReplayJson).transactions.map((tx) => tx.events[0]!.utf8)).toEqual(['live', 'after']);
  });
});

describe('walref failures are one line with the right exit code', () => {
  it('a missing directory is an I/O problem (exit 2)', async () => {
    const missing = path.join(dir, 'nope');
    const { code, err } = await cli('verify', missing);
    expect(code).toBe(2);
    expect(err).toBe(`walref verify: no such directory: ${missing}\n`);
  });

  it('a path to a file is refused as not a walref log directory (exit 2)', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'hello');
    const { code, err } = await cli('dump', file);
    expect(code).toBe(2);
    expect(err).toContain('is a file, not a walref log directory');
  });

  it('a directory without segments is not a walref log (exit 1)', async () => {
    const { code, err } = await cli('replay', dir);
    expect(code).toBe(1);
    expect(err).toContain('holds no walref segment files');
  });

  it('a file named like a segment that is not one is a bad segment header (exit 1)', async () => {
    fs.writeFileSync(path.join(dir, '00000000000000000001.wal'), 'this is not a walref segment at all, just text');
    fs.writeFileSync(path.join(dir, '00000000000000000002.wal'), new Uint8Array(0));
    const { code, err } = await cli('verify', dir);
    expect(code).toBe(1);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toContain('BadSegmentHeader');
    expect(err).toContain('00000000000000000001.wal');
  });

  it('bad arguments are a usage problem (exit 2) and "help" prints the usage text', async () => {
    const bad = await cli('replay', dir, '--checkpoint-lsn', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--checkpoint-lsn must be a non-negative integer');
    const help = await cli('help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: walref <command>');
  });

  it('the executable reports corruption on one line without a stack trace and exits 1', async () => {
    await buildLog(dir);
    const sealed = path.join(dir, segmentNames()[0]!);
    const bytes = fs.readFileSync(sealed);
    bytes[52]! ^= 0x01;
    fs.writeFileSync(sealed, bytes);
    const { code, out, err } = spawnCli('verify', dir);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^walref verify: Corruption: corruption in segment 0+1\.wal at offset 44/);
    expect(err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
