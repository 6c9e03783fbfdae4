// zod loads only when a schema is needed (src/zod-on-demand.ts): a process that opens a WAL with
// no options, as a recovering host or a crash-test checker does, never loads it, and one that
// passes options still has them checked. Run in a child process on dist/, where the module
// cache is the process's own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDemand, zod } from '../../src/zod-on-demand.js';
import { ensureBuilt } from '../examples/crash-test/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'walref-zod-'));

/** Runs `body` after importing walref's dist; prints whether zod was loaded, then what body printed. */
function run(body: string): string {
  const script = `
    import { createRequire } from 'node:module';
    const walref = await import(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))});
    const zodLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/zod/'));
    ${body}`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root });
}

describe('zod is loaded on demand', () => {
  it('onDemand builds its value once, on the first call, from the one zod module', () => {
    let builds = 0;
    const schema = onDemand((z) => {
      builds += 1;
      return z.string();
    });
    expect(builds).toBe(0);
    const first = schema();
    expect(schema()).toBe(first);
    expect(builds).toBe(1);
    expect(zod()).toBe(zod());
    expect(first.safeParse('x').success).toBe(true);
  });

  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opening, writing and a checkpoint with no options load no zod', () => {
    const out = run(`
      const { wal } = await walref.openWal(${JSON.stringify(join(dir, 'a'))});
      const { commitLsn } = await wal.writeTransaction([new Uint8Array([1])]);
      await wal.flush();
      await wal.checkpoint({ lsn: commitLsn, snapshot: new Uint8Array([2]) });
      await wal.close();
      console.log(zodLoaded());`);
    expect(out.trim()).toBe('false');
  }, 60_000);

  it('options that are given are checked with zod, and a bad one is named', () => {
    const out = run(`
      const before = zodLoaded();
      const error = await walref.openWal(${JSON.stringify(join(dir, 'b'))}, { sync: { mode: 'group', intervalMs: 0 } }).catch((e) => e);
      console.log(before, zodLoaded(), error.info.code, error.info.option);`);
    expect(out.trim()).toBe('false true InvalidOption sync.intervalMs');
  }, 60_000);
});
