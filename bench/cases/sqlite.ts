// Peer: better-sqlite3 in WAL mode, one INSERT of a ~100-byte blob per transaction (autocommit),
// with synchronous=FULL (every commit fsyncs the WAL: durable) or NORMAL (the WAL is fsynced only
// at checkpoints: a commit can be lost on power failure, though not on a process crash).

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { z } from 'zod';
import { baseParamsSchema, emitResult, freshCaseDir, readParams, removeCaseDir } from '../lib/case-io.js';
import { throughputResult } from '../lib/loop-result.js';
import { makeEvent } from '../lib/payload.js';
import { runSyncFor } from '../lib/timed-loop.js';

const params = readParams(baseParamsSchema.extend({ synchronous: z.enum(['FULL', 'NORMAL']) }));
const caseName = `sqlite-${params.synchronous.toLowerCase()}`;
const dir = freshCaseDir(params.dataDir, caseName);
const db = new Database(join(dir, 'bench.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${params.synchronous}`);
db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO events (body) VALUES (?)');
const event = Buffer.from(makeEvent(4));
const commitOne = (): void => {
  insert.run(event);
};
// SQLite appends to the WAL file until the automatic checkpoint (every 1000 pages, one page per
// commit here) and then writes it again from the start, overwriting: from then on its commits no
// longer grow a file. Warming up past the first checkpoint measures that steady state, the one a
// long-running process sees, rather than the first second of a fresh database.
const SQLITE_STEADY_STATE_COMMITS = 1200;
const warmupOps = Math.max(params.warmupOps, SQLITE_STEADY_STATE_COMMITS);
for (let i = 0; i < warmupOps; i += 1) commitOne();
const outcome = runSyncFor(params.durationMs, commitOne);
db.close();
removeCaseDir(dir);
emitResult(
  throughputResult(caseName, 'commits/s', outcome, 1, {
    eventBytes: event.length,
    synchronous: params.synchronous,
    sqliteVersion: String(new Database(':memory:').prepare('select sqlite_version() as v').pluck().get()),
  }),
);
