// What a system call's handler (path-calls.ts, file-calls.ts) may use while syscall-history.ts
// turns calls into crash-sim ops: record an op, report a call it cannot model, and ask about the
// namespace through crash-sim's query API. The builder implements it; the handlers are plain
// functions of (context, process, call).

import type { SimOpInput, SimState } from '../../crash-sim/sim-state.js';
import type { OpenFile, Proc, ProcessTable } from './process-table.js';
import type { Syscall } from './strace-parse.js';

export interface CallContext {
  /** The live namespace, folded op by op: ask it only through crash-sim/sim-query.ts. */
  readonly state: SimState;
  readonly processes: ProcessTable;
  /** The real path of the file the workload's standard output went to. */
  readonly stdoutPath: string;
  /** Appends an op to the history, with the call it came from as reports show it. */
  record(op: SimOpInput, call: string): void;
  /** Names a call crash-test cannot model faithfully. */
  report(call: Syscall, reason: string): void;
  /** A remark about a call that was modelled (sync_file_range), said once. */
  note(text: string): void;
  /** The simulator path of a real path under --dir, or null outside it. */
  simPath(real: string): string | null;
  /** A simulator path as reports show it: relative to --dir. */
  show(simPath: string): string;
  /** The open file an fd argument names, learning it from -y when the fd table does not know it. */
  fileOf(proc: Proc, fdArg: string | undefined, call: Syscall): OpenFile | null;
  /** The name an open file's inode has now (it may have been renamed since it was opened). */
  nameOf(file: OpenFile): string;
  /** Bytes the workload wrote to its standard output (acknowledgements are read from them). */
  stdout(text: string): void;
}

export type CallHandler = (context: CallContext, proc: Proc, call: Syscall) => void;
