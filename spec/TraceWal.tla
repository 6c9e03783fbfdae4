------------------------------ MODULE TraceWal ------------------------------
(***************************************************************************)
(* Trace validation: is a trace the implementation recorded a behaviour  *)
(* of Wal?  The trace is an ndjson file of action events (format:         *)
(* docs/trace-format.md, shapes: src/core/trace.ts).  Every line must be  *)
(* matched by one step of Wal whose outcome agrees with the fields the    *)
(* implementation reported; TLC explores the choices the trace does not   *)
(* reveal (what a crash kept, whether it left a torn frame).  The         *)
(* POSTCONDITION TraceAccepted holds only if some behaviour consumed the  *)
(* whole trace.  `npm run spec:trace -- file.ndjson` runs this module on  *)
(* any file; TraceWal.cfg names the committed good trace.                 *)
(***************************************************************************)
EXTENDS Wal, Json, TLC

CONSTANT TraceFile  \* The path of the ndjson trace to check (null-free: see docs/trace-format.md).

\* The trace: a tuple of records, one per line of the file.
Trace == ndJsonDeserialize(TraceFile)

\* Whether trace record e has field f (fields that are null in src/core/trace.ts are left out).
Has(e, f) == f \in DOMAIN e

\* Every event payload the trace records, so that Wal's Events covers them.
TraceEvents ==
    {Trace[i].event : i \in {j \in DOMAIN Trace : Has(Trace[j], "event")}}
    \cup UNION {UNION {Range(t.events) : t \in Range(Trace[i].transactions)} :
                i \in {j \in DOMAIN Trace : Has(Trace[j], "transactions")}}

\* The sync policy the first Recover line reports, or per-commit when it reports none.
TraceSyncPolicy == IF Has(Trace[1], "sync") THEN Trace[1].sync ELSE "per-commit"

\* A bound that a trace cannot reach: the trace, not the bound, limits the behaviour.
TraceBound == 1000000

VARIABLE l  \* The index of the next trace line to match.

\* Every variable of Wal and the trace index.
traceVars == <<vars, l>>

\* The line being matched.
E == Trace[l]

\* Whether the line being matched is an event of action a.
IsEvent(a) == l <= Len(Trace) /\ E.action = a

\* A transaction as a trace shows it: no ghost query id.
TxView(txs) == [i \in DOMAIN txs |-> [beginLsn |-> txs[i].begin, commitLsn |-> txs[i].commit,
                                      events |-> txs[i].events]]

\* The checkpoint LSN the implementation replayed above: the one the host passed to open, or 0.
RecoverCheckpointLsn == IF Has(E, "checkpointLsn") THEN E.checkpointLsn ELSE 0

-----------------------------------------------------------------------------
(* One Wal step per trace line. *)

\* A crash followed at once by open(), as one step: the trace shows no line for the crash itself.
CrashAndRecover ==
    /\ up
    /\ crashes < MaxCrashes
    /\ \E c \in CrashStates :
          /\ lastCrash' = CrashRecord(c)
          /\ RecoverFrom(c)
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<snapshot, queries, aborted, checkpoints>>

\* Recover: the first open of an empty directory, a reopen after Close, or a crash and a recovery.
\* "Open" is the same line under its former name, accepted so that older traces stay valid.
\* The replayed transactions, nextLsn and durableLsn must be the ones Wal computes.
RecoverStep ==
    /\ IsEvent("Recover") \/ IsEvent("Open")
    /\ IF up THEN CrashAndRecover ELSE Recover
    /\ nextLsn' = E.nextLsn
    /\ durableLsn' = E.durableLsn
    /\ TxView(Replay(log', RecoverCheckpointLsn)) = E.transactions

\* Close: the process stops; the OS keeps everything it was handed.
CloseStep ==
    /\ IsEvent("Close")
    /\ Crash
    /\ log' = log

\* arm() succeeded.
ArmStep == IsEvent("Arm") /\ Arm

\* A poisoned recorder ignores record(); outside a query record() poisons.
RecordStep ==
    /\ IsEvent("Record")
    /\ \/ Record(E.event)
       \/ poisoned /\ UNCHANGED vars
       \/ ~armed /\ Poison

\* commit() answered: "yes" with the LSNs Wal allocates, or "no" for an empty buffer.
CommitStep ==
    /\ IsEvent("Commit")
    /\ Commit
    /\ E.wrote = (buffer # << >>)
    /\ E.wrote => /\ committed'[Len(committed')].begin = E.beginLsn
                  /\ committed'[Len(committed')].commit = E.commitLsn

\* abort() answered whether the query had recorded events.
AbortStep ==
    /\ IsEvent("Abort")
    /\ Abort
    /\ E.hadEvents = (buffer # << >>)

\* Flush reports the highest LSN handed to the OS and the durable LSN afterwards.  After a
\* successful flush nothing is pending, so the highest LSN written is the last one allocated
\* (after an open, the highest LSN on disk, a stray's included).
FlushStep ==
    /\ IsEvent("Flush")
    /\ Flush
    /\ nextLsn' - 1 = E.writtenLsn
    /\ durableLsn' = E.durableLsn

\* Fsync reports whether the fsync returned OK and the durable LSN afterwards.  A failed fsync
\* of a file with nothing unsynced (a new segment's header) only poisons.
FsyncStep ==
    /\ IsEvent("Fsync")
    /\ IF E.ok THEN Fsync ELSE FsyncFail \/ Poison
    /\ durableLsn' = E.durableLsn

\* checkpointMarker(snapshotLsn) wrote its marker at the reported LSN.
CheckpointStep ==
    /\ IsEvent("CheckpointMarker")
    /\ CheckpointMarker(E.snapshotLsn)
    /\ pending'[Len(pending')].lsn = E.lsn

\* Segments are not modelled: a truncation that removed nothing is a no-op.
TruncateStep ==
    /\ IsEvent("TruncateUpTo")
    /\ IF E.removedSegments = << >>
       THEN UNCHANGED vars
       ELSE TruncateUpTo(E.upToLsn)

\* poison(reason), a misuse, a failed write, or the report of a poisoning that already happened.
PoisonStep ==
    /\ IsEvent("Poison")
    /\ \/ Poison
       \/ WriteFail
       \/ poisoned /\ UNCHANGED vars

\* Wal's initial state, before the first line.
TraceInit == Init /\ l = 1

\* Match the next line with one step of Wal.
TraceNext ==
    /\ \/ RecoverStep
       \/ CloseStep
       \/ ArmStep
       \/ RecordStep
       \/ CommitStep
       \/ AbortStep
       \/ FlushStep
       \/ FsyncStep
       \/ CheckpointStep
       \/ TruncateStep
       \/ PoisonStep
    /\ l' = l + 1

\* The behaviours of Wal that follow the trace line by line.
TraceSpec == TraceInit /\ [][TraceNext]_traceVars

\* Accepted iff the longest behaviour TLC found matched every line (the initial state is depth 1).
TraceAccepted ==
    LET d == TLCGet("stats").diameter IN
    IF d - 1 = Len(Trace) THEN TRUE
    ELSE Print(<<"trace rejected: no behaviour of Wal matches line", d, Trace[d]>>, FALSE)
=============================================================================
