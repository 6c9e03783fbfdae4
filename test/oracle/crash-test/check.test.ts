// A check command's verdict: only an exit status of 0 passes. A checker that exits non-zero, is
// killed by any signal (a crash in recovery: SIGSEGV, SIGABRT; the OOM killer: SIGKILL), or does
// not finish in time reports a violation, with its last output line (or what happened) as the
// reason. The state directory and the ids reach it as separate words, whatever they hold.
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../oracle/crash-test/check.js';

describe('the verdict of a check command', () => {
  it.each<[string, string, boolean, RegExp]>([
    ['exits 0', 'echo fine; exit 0', true, /^fine$/],
    ['exits 0 without a word', ':', true, /^$/],
    ['exits 1', 'echo details; echo an acknowledged row was lost >&2; exit 1', false, /^an acknowledged row was lost$/],
    ['exits 255', 'exit 255', false, /^check exited with status 255$/],
    ['is killed by SIGKILL', 'kill -KILL $$; :', false, /^check killed by SIGKILL$/],
    ['dies of SIGSEGV', 'kill -SEGV $$; :', false, /^check killed by SIGSEGV$/],
    ['aborts (SIGABRT)', 'echo recovering; kill -ABRT $$; :', false, /^recovering$/],
    ['is terminated (SIGTERM)', 'kill -TERM $$; :', false, /^check killed by SIGTERM$/],
    ['does not finish in time', 'sleep 30; :', false, /^check timed out after 300 ms$/],
  ])('a checker that %s', async (name, command, ok, reason) => {
    // Only the case about time gets a short budget: on a loaded machine a shell can take longer
    // than 300 ms just to start, and the other cases are about how it ends, not when.
    const outcome = await runCheck(command, '/nonexistent/state', ['1'], name === 'does not finish in time' ? 300 : 20_000);
    expect(outcome.ok).toBe(ok);
    expect(outcome.reason).toMatch(reason);
    if (!ok) expect(outcome.exitCode === 0).toBe(false);
  });

  it('gets the state directory and each id as one word', async () => {
    const outcome = await runCheck('test "$#" = 3 && test "$1" = "/s/a b" && test "$2" = "x y" && test "$3" = \'$z\' || exit 1; :', '/s/a b', ['x y', '$z'], 2000);
    expect(outcome).toMatchObject({ ok: true });
  });
});
