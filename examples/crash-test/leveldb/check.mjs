// crash-test checker for the LevelDB target: check.mjs <state dir> <acked id>...
// Opens <state dir>/db as a restarted application would (LevelDB replays its log and may write a
// new MANIFEST), and exits 0 when every acknowledged key holds its value. The last output line is
// the reason; the line before it, the details.
import { ClassicLevel } from 'classic-level';

const [dir, ...ids] = process.argv.slice(2);
const fail = (reason, detail) => {
  if (detail !== undefined) process.stdout.write(`${detail}\n`);
  process.stdout.write(`${reason}\n`);
  process.exit(1);
};
const valueOf = (i, bytes) => `v${i}-`.padEnd(bytes, 'x');
const db = new ClassicLevel(`${dir}/db`, { createIfMissing: ids.length === 0 });
try {
  await db.open();
} catch (error) {
  // LevelDB's own message names the file it choked on; the reason keeps only its kind.
  const message = String(error?.cause?.message ?? error?.message ?? error);
  fail(`open failed: ${message.replace(/[^ ]*\/db\//g, '').replace(/\d{6}/g, 'N').slice(0, 120)}`, message);
}
for (const id of ids) {
  const value = await db.get(`key-${id}`);
  if (value === undefined) fail('an acknowledged key was lost', `key-${id} acknowledged, not found`);
  if (!value.startsWith(`v${id}-`) || value !== valueOf(id, value.length)) fail('an acknowledged key holds the wrong value', `key-${id} holds ${JSON.stringify(value.slice(0, 40))}`);
}
await db.close();
