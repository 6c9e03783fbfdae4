// The capture file: a header, the manifest of the initial directory, then strace's text verbatim.
// It reads back as written, its digest is the one computed without writing it, a --dir that
// differs is named by its first differing path, and anything that is not a capture is BadCapture.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURE_FORMAT, captureDigest, manifestDifference, manifestOf, readCaptureFile, writeCaptureFile, type CaptureHeader } from '../../../oracle/crash-test/capture-file.js';

const work = mkdtempSync(join(tmpdir(), 'walref-ct-capture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bytes = (s: string) => new TextEncoder().encode(s);
const header: CaptureHeader = { format: CAPTURE_FORMAT, version: 1, workload: 'node w.mjs /d', dataDir: '/d', stdoutPath: '/t/out', cwd: '/w', captureMs: 12.5, acks: ['1', '2'] };
const trace = '1  openat(AT_FDCWD</w>, "/d/f", O_WRONLY|O_CREAT, 0644) = 3</d/f>\n1  write(3</d/f>, "ab", 2) = 2\n';

describe('the capture file', () => {
  it('reads back what was written: header, manifest and the trace byte for byte, under the digest computed without writing', async () => {
    const manifest = manifestOf({ files: new Map([['sub/b', bytes('bb')], ['a', bytes('a')]]), dirs: ['sub'] });
    expect(manifest.map((e) => ('dir' in e ? `d ${e.dir}` : `f ${e.file} ${e.size}`))).toEqual(['f a 1', 'd sub', 'f sub/b 2']);
    const path = join(work, 'one.capture');
    const digest = await writeCaptureFile(path, header, manifest, trace);
    expect(digest).toBe(await captureDigest(header, manifest, trace));
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const read = await readCaptureFile(path);
    expect(read).toEqual({ header, manifest, trace, digest });
    expect(readFileSync(path, 'utf8').endsWith(trace)).toBe(true);
  });

  it('names the first path where --dir differs from the manifest', () => {
    const captured = manifestOf({ files: new Map([['a', bytes('one')], ['b', bytes('two')]]), dirs: [] });
    const same = manifestOf({ files: new Map([['b', bytes('two')], ['a', bytes('one')]]), dirs: [] });
    expect(manifestDifference(captured, same)).toBeNull();
    expect(manifestDifference(captured, manifestOf({ files: new Map([['a', bytes('one')]]), dirs: [] }))).toBe('b is missing from --dir');
    expect(manifestDifference(captured, manifestOf({ files: new Map([['a', bytes('one!')], ['b', bytes('two')]]), dirs: [] }))).toBe('a holds 4 bytes in --dir, 3 when captured');
    expect(manifestDifference(captured, manifestOf({ files: new Map([['a', bytes('eno')], ['b', bytes('two')]]), dirs: [] }))).toMatch(/^a holds other bytes in --dir than when captured/);
    expect(manifestDifference(captured, manifestOf({ files: new Map([['a', bytes('one')], ['b', bytes('two')]]), dirs: ['0'] }))).toBe('0 is in --dir but was not there when the workload was captured');
  });

  it('refuses what is not a capture, another version, and a file cut before its trace, as BadCapture', async () => {
    const write = (name: string, text: string): string => {
      const path = join(work, name);
      writeFileSync(path, text);
      return path;
    };
    await expect(readCaptureFile(write('json', '{"hello":1}\n'))).rejects.toMatchObject({ code: 'BadCapture', message: expect.stringContaining('"format":"walref-crash-test-capture"') });
    await expect(readCaptureFile(write('v2', `${JSON.stringify({ ...header, version: 2 })}\n`))).rejects.toMatchObject({ code: 'BadCapture', message: expect.stringContaining('version 2') });
    await expect(readCaptureFile(write('cut', `${JSON.stringify(header)}\n{"dir":"a"}\n`))).rejects.toMatchObject({ code: 'BadCapture', message: expect.stringContaining('cut short') });
    await expect(readCaptureFile(write('text', 'strace output\n'))).rejects.toMatchObject({ code: 'BadCapture' });
    await expect(readCaptureFile(join(work, 'missing'))).rejects.toMatchObject({ code: 'BadCapture', message: expect.stringContaining('cannot read') });
  });
});
