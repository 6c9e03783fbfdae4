// A trace sink that appends one JSON object per line to a file: how WALREF_TRACE=<file> records
// the actions of a real run for spec/TraceWal.tla. It writes synchronously so a trace cut short
// by a crash still ends on the last action that happened.

import * as fs from 'node:fs';
import type { TraceEvent, TraceSink } from '../core/trace.js';

export function ndjsonFileTraceSink(filePath: string): TraceSink {
  return (event: TraceEvent) => fs.appendFileSync(filePath, JSON.stringify(event) + '\n');
}
