// The folders `npm run test:mutation` mutates, and the suites that check each (shared with
// scripts/mutation-retest.mjs).

/**
 * Each folder: what Stryker mutates, and the suites that check it. Left out of every folder's
 * suites: the process-spawning and real-disk suites (test/real-disk, test/cli, test/examples,
 * crash-test's strace and worker runs), which cannot report per-test coverage and cost seconds a
 * run; the exhaustive explorations of test/crash-recovery (example-workloads, scenarios,
 * acknowledgement-per-session: 37 s a run on a quiet machine, uncapped by WALREF_MUTATION_RUNS);
 * the planted-bug suites, whose fast-check searches (fc.check) need their full budgets.
 * docs/mutation.md says what each folder's selection leaves out and why.
 */
export const FOLDERS = {
  'src/core': {
    mutate: ['src/core/**/*.ts'],
    tests: [
      'test/src/core/**/*.test.ts',
      'test/model-based/sim.test.ts',
      'test/model-based/regressions.test.ts',
    ],
  },
  model: {
    mutate: ['model/**/*.ts'],
    tests: ['test/model/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/model-based/regressions.test.ts', 'test/oracle/check-trace/check-trace.test.ts'],
  },
  'crash-sim': {
    mutate: ['crash-sim/**/*.ts'],
    tests: ['test/crash-sim/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/crash-recovery/generated-workloads.test.ts', 'test/oracle/explore/survivors.test.ts', 'test/oracle/explore/workload.test.ts'],
  },
  oracle: {
    // The pure parts: explore and check-trace whole, and crash-test's parsing, history
    // and report modules. Left out: the modules that run strace, spawn workers or write capture
    // and scratch files or read the real disk (capture*, check, check-workers, disk, run, scratch,
    // state-dirs, crash-test, checker, index).
    mutate: [
      'oracle/explore/**/*.ts',
      'oracle/check-trace/**/*.ts',
      'oracle/crash-test/{strace-parse,strace-args,syscall-history,file-calls,path-calls,process-table,call-context,describe,violations,report,merge,shard,errors,check-stream}.ts',
    ],
    tests: [
      'test/oracle/explore/*.test.ts',
      'test/oracle/check-trace/{check-trace,check-trace.key,crash-candidates,line-steps,action-trace}.test.ts',
      'test/oracle/crash-test/{strace-parse,strace-args,syscall-history,process-table,report,describe,merge,shard,checker,check-stream,violations}*.test.ts',
      'test/crash-recovery/generated-workloads.test.ts',
    ],
  },
  src: {
    mutate: ['src/*.ts', 'src/fs/**/*.ts'],
    // zod-on-demand spawns node on dist/ (built from the sources outside the sandbox), so it tests
    // no mutant; in Stryker's sandbox it waits for a build of dist/ that never completes.
    tests: ['test/src/*.test.ts', 'test/src/fs/*.test.ts', '!test/src/zod-on-demand.test.ts', 'test/concurrency/**/*.test.ts', 'test/model-based/sim.test.ts', 'test/model-based/regressions.test.ts'],
  },
};
