// `walref demo`: what a newcomer sees, and that it cleans up after itself.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { summarizeActions } from '../../cli/demo.js';
import { DEMO_WORKLOAD } from '../../cli/demo-workload.js';
import { describeStep } from '../../oracle/explore/workload.js';
import { progressBar } from '../../cli/progress.js';
import { nodeFileSystem } from '../../src/index.js';

describe('walref demo', () => {
  it('dumps the real log, explores every crash state under four fault models with no violation, and draws one', async () => {
    const io = bufferedIo();
    const code = await runCli(['demo'], io, nodeFileSystem);
    const out = io.out();
    expect(io.err()).toBe('');
    expect(code).toBe(0);

    // The dump of the log written on the real disk: three segments after two rotations.
    expect(out).toMatch(/segment 00000000000000000001\.wal: version 2, id 1, base LSN 1, salt [0-9a-f]{8}/);
    expect(out).toMatch(/segment 00000000000000000003\.wal/);
    expect(out).toContain('TxAbort');
    expect(out).toContain('Checkpoint     snapshot LSN 9');
    // Replay starts above the live snapshot (LSN 9), as openWal's does.
    expect(out).toContain('summary: 3 segments, 16 records, max LSN 16, 2 committed transactions');
    expect(out).toContain('MANIFEST: epoch 1, segments from id 1 on, 1 snapshot(s)');

    // One table row per knob combination, each exhaustive with zero violations.
    const rows = out.split('\n').filter((line) => /^\s+(un)?ordered, (un)?safeAppend, dirSync, 64B sectors\s/.test(line));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/\s+yes\s+\d+\s+0$/);

    // The picture of a crash in the middle of the last flush, in plain characters off a terminal.
    expect(out).toContain('4. One crash state: power lost in the middle of the last flush');
    // The segment is preallocated: past the torn write the file holds its zeros, which read as durable.
    expect(out).toMatch(/^\s+0 {2}#+~+#*$/m);
    expect(out).toMatch(/LSN {2}16 {2}(missing|partly) +TxCommit \(tx 14\)/);
    expect(out).toContain('verdict: every recovery property holds');
    expect(out).toContain('5. The checkpoint through the MANIFEST: one epoch, never a mix');
    expect(out).toMatch(/rename \/wal\/MANIFEST\.tmp -> \/wal\/MANIFEST +old epoch +\d+, new epoch +\d+ +<- the rename/);
    expect(out).toMatch(/fsyncDir \/wal +old epoch +0, new epoch +\d+ +<- the commit point/);
    expect(out).not.toContain('FAILED');
    expect(out).not.toContain('\u001b[');

    // The temporary directory named in the output is gone.
    const dir = /on the real disk \(node:fs\) in (\S+)\/wal/.exec(out)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir ?? '/')).toBe(false);
  });

  it('refuses arguments it does not know, with the usage', async () => {
    const io = bufferedIo();
    expect(await runCli(['demo', '--fast'], io, nodeFileSystem)).toBe(2);
    expect(io.err()).toContain('usage: walref demo');
  });

  it('folds runs of the same action in the action summary', () => {
    expect(summarizeActions([{ action: 'Arm' }, { action: 'Record', event: 'a' }, { action: 'Record', event: 'b' }, { action: 'Close' }])).toBe(
      'Arm, Record ×2, Close',
    );
  });

  it('describes every step of the demo workload in words', () => {
    const lines = DEMO_WORKLOAD.steps.map(describeStep);
    expect(lines).toContain('begin, append "carol +5", abort (TxAbort is written)');
    expect(lines.every((line) => line.length > 0 && !line.includes('{'))).toBe(true);
  });

  it('the progress bar is proportional and clamped', () => {
    expect(progressBar(0, 4, 'x')).toMatch(/^\[-{24}\] 0\/4 x/);
    expect(progressBar(2, 4, 'x')).toMatch(/^\[#{12}-{12}\] 2\/4 x/);
    expect(progressBar(9, 4, 'x')).toMatch(/^\[#{24}\]/);
  });
});
