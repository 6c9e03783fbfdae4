#!/usr/bin/env node
// The `walref` executable: wires the dispatcher to the process (argv, stdout, stderr, exit code)
// and to the real file system. Everything else lives in run-cli.ts so it can be tested in-process.

import { nodeFileSystem } from '../src/fs/node-fs.js';
import type { CliIo } from './io.js';
import { runCli } from './run-cli.js';

// `walref dump dir | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const processIo: CliIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
};

try {
  process.exitCode = await runCli(process.argv.slice(2), processIo, nodeFileSystem);
} catch (error) {
  // Anticipated failures never reach this point; an exception here is a bug, reported on one line
  // (set WALREF_DEBUG=1 for the stack).
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`walref: internal error: ${detail}\n`);
  if (process.env['WALREF_DEBUG'] === '1' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  process.exitCode = 70;
}
