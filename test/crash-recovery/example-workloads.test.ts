// Every example workload in oracle/explore/workloads/ parses, and explores exhaustively without a
// violation under its own knobs and under all four combinations of ordered × safeAppend.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkloadText } from '../../oracle/explore/workload.js';
import { KNOB_COMBINATIONS, explore, knobLabel, violationText } from './helpers.js';

const dir = join(import.meta.dirname, '../../oracle/explore/workloads');
const files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();

describe('example workloads', () => {
  it('there are examples for rotation, checkpoint and truncation, EIO, ENOSPC and an in-workload crash', () => {
    expect(files).toEqual(expect.arrayContaining(['basic.json', 'rotation.json', 'checkpoint-truncate.json', 'fsync-eio.json', 'enospc-reopen.json', 'torn-tail-crash.json']));
  });

  for (const file of files) {
    it(`${file} explores exhaustively with no violation under its own and all four knob combinations`, async () => {
      const parsed = parseWorkloadText(readFileSync(join(dir, file), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.error);
      for (const knobs of [parsed.workload.knobs, ...KNOB_COMBINATIONS]) {
        const result = await explore({ ...parsed.workload, knobs: { ...parsed.workload.knobs, ...knobs } });
        expect(violationText(result), `${file} (${knobLabel({ ordered: knobs.ordered ?? true, safeAppend: knobs.safeAppend ?? true })})`).toBe('');
        expect(result.exhaustive).toBe(true);
      }
    });
  }
});
