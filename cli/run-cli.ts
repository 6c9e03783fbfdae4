// The dispatcher: parses the command line and runs one command. It returns the exit code instead
// of exiting, so tests run it in-process with a buffered io and any FileSystem.

import { match } from 'ts-pattern';
import type { FileSystem } from '../src/fs/port.js';
import { COMMAND_NAMES, parseCommandLine, USAGE } from './args.js';
import { runDump, runReplay, runVerify, reportFailure } from './commands.js';
import { runDelegated } from './delegated.js';
import { ExitCode, type CliIo } from './io.js';

export async function runCli(argv: readonly string[], io: CliIo, fs: FileSystem): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    const named = argv[0] !== undefined && COMMAND_NAMES.includes(argv[0]) ? argv[0] : null;
    const code = reportFailure(named, parsed.failure, io);
    if (argv.length === 0) io.stderr(USAGE);
    return code;
  }
  return match(parsed.command)
    .with({ name: 'help' }, () => {
      io.stdout(USAGE);
      return ExitCode.Ok;
    })
    .with({ name: 'dump' }, (c) => runDump(c.dir, io, fs))
    .with({ name: 'replay' }, (c) => runReplay(c.dir, c.json, c.checkpointLsn, io, fs, c.recovery))
    .with({ name: 'verify' }, (c) => runVerify(c.dir, c.strict, io, fs, c.recovery))
    .with({ name: 'explore' }, { name: 'demo' }, { name: 'crash-test' }, { name: 'check-trace' }, (c) => runDelegated(c.name, c.argv, io))
    .exhaustive();
}
