// The command line, parsed and validated at the trust boundary: node:util's parseArgs splits the
// tokens, zod checks what they mean. Anything that does not fit becomes a usage failure with one
// line saying which argument is wrong.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { RecoveryPolicy } from '../src/core/errors.js';
import { recoveryPolicySchema } from '../src/policy-options.js';
import type { CliFailure } from './cli-failure.js';

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'dump'; readonly dir: string }
  | { readonly name: 'replay'; readonly dir: string; readonly json: boolean; readonly checkpointLsn: number; readonly recovery: RecoveryPolicy }
  | { readonly name: 'verify'; readonly dir: string; readonly strict: boolean; readonly recovery: RecoveryPolicy }
  /** Commands implemented in other modules; they parse their own arguments. */
  | { readonly name: 'explore' | 'demo' | 'crash-test' | 'check-trace'; readonly argv: readonly string[] };

export type ParseResult = { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly failure: CliFailure };

/** The commands this dispatcher knows, for naming the command in error lines. */
export const COMMAND_NAMES: readonly string[] = ['dump', 'replay', 'verify', 'explore', 'demo', 'crash-test', 'check-trace', 'help'];

export const USAGE = `usage: walref <command> [arguments]

Read-only commands (they never take the writer lock and never modify the log):
  walref dump <dir>                                  every record: segment, offset, LSN, kind, tx, events;
                                                     the MANIFEST and the live snapshot
  walref replay <dir> [--json] [--checkpoint-lsn N] [--recovery P]
                                                     the committed transactions after the live snapshot
                                                     (or N, if higher), in commit order
  walref verify <dir> [--strict] [--recovery P]      exit 0 when the log is well formed: a torn tail is
                                                     accepted unless valid frames follow it; --strict
                                                     fails on any torn tail; the MANIFEST and the live
                                                     snapshot's checksum are checked too
  --recovery P: tolerate-torn-tail (default), absolute, point-in-time or skip-corrupted: what replay
                does with damage (docs/format.md, "Recovery policies"); read-only, nothing is repaired

Other commands:
  walref explore ...                                 crash-state exploration (walref explore --help)
  walref demo ...                                    a guided demonstration
  walref crash-test ...                              crash states of another program, checked by its
                                                     own checker (walref crash-test --help)
  walref check-trace <trace.ndjson>                  check an action trace against the model
  walref help                                        this text

Exit codes: 0 ok, 1 log problem (corruption, malformed log, bad segment header), 2 usage or I/O problem,
70 internal error (a bug in walref; WALREF_DEBUG=1 prints the stack).
`;

const dirSchema = z.string().min(1, 'the directory must not be empty');

const lsnSchema = z
  .string()
  .regex(/^\d+$/, 'must be a non-negative integer')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), 'must be at most 2^53 - 1');

const recoverySchema = recoveryPolicySchema().default('tolerate-torn-tail');

const replaySchema = z.object({ dir: dirSchema, json: z.boolean(), checkpointLsn: lsnSchema, recovery: recoverySchema });

export function parseCommandLine(argv: readonly string[]): ParseResult {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      return usage('no command given');
    case 'help':
    case '--help':
    case '-h':
      return { ok: true, command: { name: 'help' } };
    case 'explore':
    case 'demo':
    case 'crash-test':
    case 'check-trace':
      return { ok: true, command: { name, argv: rest } };
    case 'dump':
      return parseWith(rest, {}, ([dir]) => ({ name: 'dump', dir: dirSchema.parse(dir) }));
    case 'verify':
      return parseWith(rest, { strict: { type: 'boolean' }, recovery: { type: 'string' } }, ([dir], values) => ({
        name: 'verify',
        dir: dirSchema.parse(dir),
        strict: values['strict'] === true,
        recovery: z.object({ recovery: recoverySchema }).parse({ recovery: values['recovery'] }).recovery,
      }));
    case 'replay':
      return parseWith(
        rest,
        { json: { type: 'boolean' }, 'checkpoint-lsn': { type: 'string' }, recovery: { type: 'string' } },
        ([dir], values) => {
          const parsed = replaySchema.parse({
            dir,
            json: values['json'] === true,
            checkpointLsn: values['checkpoint-lsn'] ?? '0',
            recovery: values['recovery'],
          });
          return { name: 'replay', ...parsed };
        },
      );
    default:
      return usage(`unknown command "${name}"`);
  }
}

type OptionSpec = Record<string, { type: 'boolean' | 'string' }>;

/**
 * Splits the arguments of one command (exactly one positional: the directory), then builds the
 * command with `build`, turning parse and validation errors into a usage failure.
 */
function parseWith(
  args: readonly string[],
  options: OptionSpec,
  build: (positionals: readonly string[], values: Record<string, string | boolean | undefined>) => Command,
): ParseResult {
  let positionals: string[];
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    positionals = parsed.positionals;
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (error) {
    return usage(error instanceof Error ? firstSentence(error.message) : String(error));
  }
  if (positionals.length !== 1) {
    return usage(`expected exactly one <dir> argument, got ${positionals.length}`);
  }
  try {
    return { ok: true, command: build(positionals, values) };
  } catch (error) {
    if (error instanceof z.ZodError) return usage(describeArgumentIssue(error, ['dir']));
    throw error;
  }
}

/**
 * The first problem zod found in a command's arguments, as one line naming the argument the way
 * the user typed it: a positional as `<name>`, an option as its flag (`maxStates` is
 * `--max-states`). Every command's parser reports bad arguments through this.
 */
export function describeArgumentIssue(error: z.ZodError, positionals: readonly string[]): string {
  const issue = error.issues[0];
  const key = issue === undefined || issue.path.length === 0 ? null : String(issue.path[0]);
  const where = key === null ? 'argument' : positionals.includes(key) ? `<${key}>` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return `${where} ${issue?.message ?? 'is invalid'}`;
}

/** node:util's messages go on with advice about "--"; the first sentence says what is wrong. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.split(/(?<=\.) /)[0] ?? line;
}

function usage(message: string): ParseResult {
  return { ok: false, failure: { kind: 'usage', message } };
}
