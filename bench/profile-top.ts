// `npx tsx bench/profile-top.ts <file.cpuprofile> [count]`: the functions with the most self time
// in a V8 CPU profile (from `node --cpu-prof`, or `npm run bench -- --profile`), as a plain table,
// so a profile can be read and quoted without opening DevTools.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

const [path, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 25);
if (path === undefined || !Number.isInteger(count) || count < 1) {
  throw new Error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [count]');
}
const profile = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const nameOf = new Map<number, string>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url === '' ? '' : relative(process.cwd(), url.replace(/^file:\/\//, ''));
  nameOf.set(node.id, `${functionName === '' ? '(anonymous)' : functionName} ${file}${file === '' ? '' : `:${lineNumber + 1}`}`);
}
// Each sample's time is the delta to the next sample; self time goes to the sampled node.
const selfMicros = new Map<string, number>();
let totalMicros = 0;
profile.samples.forEach((nodeId, i) => {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  const name = nameOf.get(nodeId) ?? String(nodeId);
  selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
  totalMicros += delta;
});
const rows = [...selfMicros.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
for (const [name, micros] of rows) {
  process.stdout.write(`${((100 * micros) / totalMicros).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(1).padStart(8)} ms  ${name}\n`);
}
process.stdout.write(`total ${(totalMicros / 1000).toFixed(1)} ms sampled\n`);
