// The low-level Wal API as model actions: a host that writes its own transactions (begin, append,
// appendBatch, commit, abort) instead of using the recorder. Each call appends one record; the
// transaction joins the committed history at its TxCommit with every event appended to it, in
// order, and the aborted history at its TxAbort. Like the recorder's Commit, nothing is handed to
// the OS until a flush; only the log's own poison stops them.

import { rotate } from './append.js';
import type { LogRecord, Lsn, ModelEvent, ModelState } from './state.js';
import { disabled, fail, succeed, type Step } from './step.js';
import type { BeginEnvironment } from './log-actions.js';

/** TxBegin LSNs of transactions begun and not yet committed or aborted. */
function openBegins(log: readonly LogRecord[]): Set<Lsn> {
  const open = new Set<Lsn>();
  for (const record of log) {
    if (record.kind === 'TxBegin') open.add(record.lsn);
    else if (record.kind === 'TxCommit' || record.kind === 'TxAbort') open.delete(record.txBeginLsn);
  }
  return open;
}

/** TxBegin LSNs of the transactions this session (since the last open) began and has not closed. */
export function sessionOpenBegins(state: ModelState): Lsn[] {
  return [...openBegins(state.log)].filter((begin) => begin > state.openedAtLsn);
}

function guard(state: ModelState): Step<never> | null {
  if (state.down !== null) return disabled('the process is down');
  if (state.walPoisoned !== null) return fail(state, 'Poisoned');
  return null;
}

export function Begin(state: ModelState, environment: BeginEnvironment = {}): Step<Lsn> {
  const refused = guard(state);
  if (refused !== null) return refused;
  const base = environment.rotated === true ? rotate(state) : state;
  const lsn = base.nextLsn;
  return succeed({ ...base, log: [...base.log, { kind: 'TxBegin', lsn }], nextLsn: lsn + 1 }, lsn);
}

/** append (one event) and appendBatch (several) both add one batch of events to an open transaction. */
export function Append(state: ModelState, txBeginLsn: Lsn, events: readonly ModelEvent[]): Step<Lsn> {
  const refused = guard(state);
  if (refused !== null) return refused;
  if (!openBegins(state.log).has(txBeginLsn)) return fail(state, 'InvalidArgument');
  const lsn = state.nextLsn;
  return succeed({ ...state, log: [...state.log, { kind: 'MutationBatch', lsn, txBeginLsn, events }], nextLsn: lsn + 1 }, lsn);
}

export function CommitOpen(state: ModelState, txBeginLsn: Lsn): Step<Lsn> {
  const refused = guard(state);
  if (refused !== null) return refused;
  if (!openBegins(state.log).has(txBeginLsn)) return fail(state, 'InvalidArgument');
  const lsn = state.nextLsn;
  const events = state.log.flatMap((r) => (r.kind === 'MutationBatch' && r.txBeginLsn === txBeginLsn ? r.events : []));
  return succeed(
    {
      ...state,
      log: [...state.log, { kind: 'TxCommit', lsn, txBeginLsn }],
      nextLsn: lsn + 1,
      committed: [...state.committed, { beginLsn: txBeginLsn, commitLsn: lsn, events }],
    },
    lsn,
  );
}

export function AbortOpen(state: ModelState, txBeginLsn: Lsn): Step<Lsn> {
  const refused = guard(state);
  if (refused !== null) return refused;
  if (!openBegins(state.log).has(txBeginLsn)) return fail(state, 'InvalidArgument');
  const lsn = state.nextLsn;
  return succeed({ ...state, log: [...state.log, { kind: 'TxAbort', lsn, txBeginLsn }], nextLsn: lsn + 1, aborted: [...state.aborted, txBeginLsn] }, lsn);
}
