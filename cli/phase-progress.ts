// Progress of a long command on standard error, phase by phase (crash-test: capture, plan, check;
// oracle/crash-test/progress-event.ts says what each counts). On a terminal it is one live line,
// rewritten in place (at most ten times a second); on a pipe or a log it is a plain line every few
// seconds, and the last state of each phase when the next one starts. Rates and time left are
// computed here from the counts and the clock, so the oracle reports counts only. `quiet` says
// nothing at all. The clock and the sink are parameters: tests drive both.

import type { CrashTestEvent } from '../oracle/crash-test/progress-event.js';
import { spaceTotalText } from './format-space.js';

export interface ProgressSink {
  /** Writes text as is (standard error). */
  readonly write: (text: string) => void;
  /** A terminal gets a live line; anything else gets a line every intervalMs. */
  readonly tty: boolean;
  /** Milliseconds, from any origin. */
  readonly now: () => number;
}

export interface PhaseProgressOptions {
  readonly quiet?: boolean;
  /** How often a pipe gets a line (default 5000 ms). */
  readonly intervalMs?: number;
}

const TTY_INTERVAL_MS = 100;

const count = (n: number): string => n.toLocaleString('en-US');

/** "about 35 s left", "about 4 min left", or nothing when the rate is not known yet. */
function timeLeft(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 90) return `, about ${Math.ceil(seconds)} s left`;
  if (seconds < 5400) return `, about ${Math.round(seconds / 60)} min left`;
  return `, about ${(seconds / 3600).toFixed(1)} h left`;
}

export class PhaseProgress {
  readonly #sink: ProgressSink;
  readonly #quiet: boolean;
  readonly #intervalMs: number;
  #phase: CrashTestEvent['phase'] | null = null;
  #phaseStartMs = 0;
  #lastWriteMs = Number.NEGATIVE_INFINITY;
  #line = '';
  #shown = '';
  #liveWidth = 0;

  constructor(sink: ProgressSink, options: PhaseProgressOptions = {}) {
    this.#sink = sink;
    this.#quiet = options.quiet === true;
    this.#intervalMs = options.intervalMs ?? 5000;
  }

  update(event: CrashTestEvent): void {
    if (this.#quiet) return;
    const now = this.#sink.now();
    if (event.phase !== this.#phase) {
      this.#closePhase();
      this.#phase = event.phase;
      this.#phaseStartMs = now;
      this.#lastWriteMs = Number.NEGATIVE_INFINITY;
    }
    this.#line = this.#describe(event, now);
    if (now - this.#lastWriteMs >= (this.#sink.tty ? TTY_INTERVAL_MS : this.#intervalMs)) this.#show(now);
  }

  /** The work is over: the last state of the last phase stays on screen (or in the log). */
  end(): void {
    if (this.#quiet) return;
    this.#closePhase();
    this.#phase = null;
  }

  #describe(event: CrashTestEvent, now: number): string {
    const seconds = (now - this.#phaseStartMs) / 1000;
    switch (event.phase) {
      case 'capture':
        return `capture: ${count(event.calls)} calls seen, ${count(event.ops)} file-system operations under --dir`;
      case 'plan':
        return `plan: ${count(event.crashPoints)} crash points, ${event.spaceTotal >= Number.MAX_SAFE_INTEGER ? spaceTotalText(event.spaceTotal) : count(event.spaceTotal)} crash states in their spaces`;
      case 'check': {
        const rate = seconds > 0 ? event.done / seconds : 0;
        const left = rate > 0 ? timeLeft((event.total - event.done) / rate) : '';
        return `check: ${count(event.done)} of ${count(event.total)} crash states (${count(event.checked)} checked), ${rate.toFixed(1)} states/s${left}`;
      }
    }
  }

  #show(now: number): void {
    this.#lastWriteMs = now;
    if (this.#line === this.#shown) return;
    this.#shown = this.#line;
    if (!this.#sink.tty) {
      this.#sink.write(`${this.#line}\n`);
      return;
    }
    this.#sink.write(`\r${this.#line.padEnd(this.#liveWidth)}`);
    this.#liveWidth = this.#line.length;
  }

  /** The phase's last line is shown in full, and a terminal's live line is left behind. */
  #closePhase(): void {
    if (this.#phase === null) return;
    this.#show(this.#sink.now());
    if (this.#sink.tty && this.#liveWidth > 0) this.#sink.write('\n');
    this.#liveWidth = 0;
    this.#shown = '';
  }
}
