// A JSON-file store of the kind Node programs write: every put rewrites db.json whole, crash-safely,
// the classic way: write the new contents to a temporary file, fsync it, rename it over db.json,
// fsync the directory. Two options skip one fsync each, to plant the two classic bugs:
//   fsyncFile: false  the rename may reach the disk before the data it names (an empty db.json);
//   fsyncDir: false   the rename may not reach the disk at all (the put is lost after a crash).
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const DB_FILE = 'db.json';
const TMP_FILE = '.db.json.tmp';

/** The store's contents on disk: {} when db.json does not exist yet. A db.json that does not parse is an error. */
export async function readStore(dir) {
  let text;
  try {
    text = await readFile(join(dir, DB_FILE), 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return {};
    throw error;
  }
  return JSON.parse(text);
}

export async function openStore(dir, { fsyncFile = true, fsyncDir = true } = {}) {
  const data = await readStore(dir);
  return {
    get: (key) => data[key],
    /** Resolves once the put is durable (unless an option said to skip an fsync). */
    async put(key, value) {
      data[key] = value;
      const tmp = join(dir, TMP_FILE);
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(JSON.stringify(data));
        if (fsyncFile) await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, join(dir, DB_FILE));
      if (fsyncDir) {
        const handle = await open(dir, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    },
  };
}
