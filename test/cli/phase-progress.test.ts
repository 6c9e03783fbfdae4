// cli/phase-progress.ts: what a terminal and a pipe see of crash-test's phases, driven by a fake
// clock and a fake stream (counts only: no assertion on real time).
import { describe, expect, it } from 'vitest';
import { PhaseProgress } from '../../cli/phase-progress.js';

function fake(tty: boolean): { sink: { write: (s: string) => void; tty: boolean; now: () => number }; out: () => string; at: (ms: number) => void } {
  let now = 0;
  const parts: string[] = [];
  return { sink: { write: (s) => void parts.push(s), tty, now: () => now }, out: () => parts.join(''), at: (ms) => void (now = ms) };
}

describe('progress of every phase on standard error', () => {
  it('a pipe gets a line every interval and the last state of each phase, with rate and time left while checking', () => {
    const f = fake(false);
    const progress = new PhaseProgress(f.sink, { intervalMs: 5000 });
    for (let calls = 1; calls <= 30; calls++) {
      f.at(calls * 1000);
      progress.update({ phase: 'capture', calls, ops: calls * 2 });
    }
    f.at(31_000);
    progress.update({ phase: 'plan', crashPoints: 10, spaceTotal: 1234 });
    f.at(32_000);
    progress.update({ phase: 'check', done: 0, total: 100, checked: 0 });
    f.at(42_000);
    progress.update({ phase: 'check', done: 50, total: 100, checked: 40 });
    progress.end();
    const lines = f.out().split('\n').filter(Boolean);
    expect(lines).toEqual([
      'capture: 1 calls seen, 2 file-system operations under --dir',
      'capture: 6 calls seen, 12 file-system operations under --dir',
      'capture: 11 calls seen, 22 file-system operations under --dir',
      'capture: 16 calls seen, 32 file-system operations under --dir',
      'capture: 21 calls seen, 42 file-system operations under --dir',
      'capture: 26 calls seen, 52 file-system operations under --dir',
      'capture: 30 calls seen, 60 file-system operations under --dir',
      'plan: 10 crash points, 1,234 crash states in their spaces',
      'check: 0 of 100 crash states (0 checked), 0.0 states/s',
      'check: 50 of 100 crash states (40 checked), 5.0 states/s, about 10 s left',
    ]);
  });

  it('a terminal gets one live line per phase, rewritten in place at most every 100 ms', () => {
    const f = fake(true);
    const progress = new PhaseProgress(f.sink);
    f.at(0);
    progress.update({ phase: 'capture', calls: 1, ops: 0 });
    f.at(50);
    progress.update({ phase: 'capture', calls: 2, ops: 1 });
    f.at(150);
    progress.update({ phase: 'capture', calls: 3, ops: 1 });
    f.at(160);
    progress.update({ phase: 'plan', crashPoints: 2, spaceTotal: 9 });
    progress.end();
    expect(f.out()).toBe(
      '\rcapture: 1 calls seen, 0 file-system operations under --dir' +
        '\rcapture: 3 calls seen, 1 file-system operations under --dir\n' +
        '\rplan: 2 crash points, 9 crash states in their spaces\n',
    );
  });

  it('--quiet says nothing', () => {
    const f = fake(true);
    const progress = new PhaseProgress(f.sink, { quiet: true });
    progress.update({ phase: 'check', done: 1, total: 2, checked: 1 });
    progress.end();
    expect(f.out()).toBe('');
  });
});
