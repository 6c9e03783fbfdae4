-------------------------------- MODULE Wal --------------------------------
(***************************************************************************)
(* walref's write-ahead log: a recorder that buffers one query's events,   *)
(* a writer that turns them into the records TxBegin, MutationBatch and    *)
(* TxCommit, an operating system that holds written frames in its page     *)
(* cache until an fsync makes them stable, a crash that keeps the synced   *)
(* prefix and any part of the rest (possibly ending in a torn frame), and  *)
(* a recovery that replays the surviving log.                              *)
(*                                                                         *)
(* Like DiskSynod, a crash resets every volatile variable and leaves the   *)
(* disk alone.  The history variables `committed`, `aborted` and           *)
(* `lastCrash` exist only so that the recovery guarantee of DESIGN.md can  *)
(* be stated as invariants: PrefixInv, DurabilityInv, AtomicityInv,        *)
(* NoReuseInv, IdempotenceInv and ExactnessInv.  spec/README.md maps every *)
(* action and invariant to model/, src/ and the tests.                     *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets, TLC

CONSTANTS
    Events,          \* The event payloads a host may record (opaque to the log).
    MaxEvents,       \* The most events one query may buffer.
    MaxQueries,      \* The most queries (Arm steps) in one behaviour.
    MaxLsn,          \* The highest LSN the writer may allocate.
    MaxCrashes,      \* The most crashes in one behaviour.
    MaxCheckpoints,  \* The most checkpoint markers in one behaviour (0 turns them off).
    SyncPolicy,      \* "per-commit", "group" or "none": what Flush does (DESIGN.md, sync policies).
    AckBeforeFsync,  \* A planted bug: TRUE makes Flush acknowledge durability before any fsync.
    RepairTruncates  \* A planted bug: TRUE makes recovery's repair cut the log back before rewriting it.

ASSUME /\ MaxEvents \in Nat \ {0}
       /\ MaxQueries \in Nat
       /\ MaxLsn \in Nat
       /\ MaxCrashes \in Nat
       /\ MaxCheckpoints \in Nat
       /\ SyncPolicy \in {"per-commit", "group", "none"}
       /\ AckBeforeFsync \in BOOLEAN
       /\ RepairTruncates \in BOOLEAN

VARIABLES
    up,          \* Whether the process is running; FALSE before the first open and after a crash.
    armed,       \* Whether the recorder is inside an armed query.
    buffer,      \* The events the armed query has recorded so far, in order.
    poisoned,    \* Whether a failure (or the host) has poisoned the WAL; sticky until a reopen.
    pending,     \* Records the writer has encoded in memory but not yet handed to the OS.
    nextLsn,     \* The LSN the writer allocates next.
    durableLsn,  \* The durable LSN acknowledged to the host: only an fsync that returned OK moves it.
    log,         \* The records handed to the OS, oldest first: the file's contents, page cache included.
    synced,      \* How many records at the front of `log` are on stable storage.
    snapshot,    \* The host's durable snapshot: its checkpoint LSN (the replay fence) and the transactions it holds.
    queries,     \* History: how many queries were armed; the current query's ghost id is `queries`.
    committed,   \* History: the transactions committed since the last recovery (recovered ones first).
    aborted,     \* History: the ghost ids of queries aborted after recording events.
    recovered,   \* History: the transactions the last recovery returned.
    lastCrash,   \* History: the committed transactions, acknowledged LSN, crash state and checkpoint LSN of the last crash.
    crashes,     \* History: how many crashes happened.
    checkpoints  \* History: how many checkpoint markers were written.

\* Every variable, for stuttering steps and fairness.
vars == <<up, armed, buffer, poisoned, pending, nextLsn, durableLsn, log, synced, snapshot,
          queries, committed, aborted, recovered, lastCrash, crashes, checkpoints>>

\* The variables a crash wipes (everything the process held in memory), as a tuple; Crash
\* sets each of them back to its initial value.
volatile == <<armed, buffer, poisoned, pending, nextLsn, durableLsn>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Records.  A transaction is written as three records with consecutive   *)
(* LSNs.  The field q of TxBegin is a ghost: the id of the query that     *)
(* wrote it, so that the invariants can follow a transaction from the     *)
(* recorder to replay.  The on-disk format carries no such field.         *)
(***************************************************************************)

\* The LSNs the writer may allocate; 0 means "none yet".
Lsns == 0 .. MaxLsn

\* The ghost ids of queries.
QueryIds == 0 .. MaxQueries

\* A frame a crash cut short: bytes at the end of the log that do not decode.
Torn == [kind |-> "Torn"]

\* The first record of a transaction.
TxBeginRec(lsn, q) == [kind |-> "TxBegin", lsn |-> lsn, q |-> q]

\* The record that carries all of a transaction's events.
BatchRec(lsn, tx, evs) == [kind |-> "MutationBatch", lsn |-> lsn, tx |-> tx, events |-> evs]

\* The record that commits the transaction that began at LSN tx.
CommitRec(lsn, tx) == [kind |-> "TxCommit", lsn |-> lsn, tx |-> tx]

\* The record that says the host's snapshot holds everything up to LSN snap.
CheckpointRec(lsn, snap) == [kind |-> "Checkpoint", lsn |-> lsn, snap |-> snap]

\* Every record that can appear in the log (TxAbort never does: the recorder writes nothing for an abort).
Records ==
    {Torn}
    \cup [kind : {"TxBegin"}, lsn : Lsns, q : QueryIds]
    \cup [kind : {"MutationBatch"}, lsn : Lsns, tx : Lsns, events : Seq(Events)]
    \cup [kind : {"TxCommit"}, lsn : Lsns, tx : Lsns]
    \cup [kind : {"Checkpoint"}, lsn : Lsns, snap : Lsns]

\* A committed transaction as the host and replay see it, plus its ghost query id.
Txs == [q : QueryIds, begin : Lsns, commit : Lsns, events : Seq(Events)]

\* The records Commit writes for the events evs of query q, starting at LSN lsn.
TxRecords(lsn, q, evs) == << TxBeginRec(lsn, q), BatchRec(lsn + 1, lsn, evs), CommitRec(lsn + 2, lsn) >>

-----------------------------------------------------------------------------
(* Helpers on sequences and logs. *)

\* The set of elements of a sequence.
Range(s) == {s[i] : i \in DOMAIN s}

\* Whether sequence p is a prefix of sequence s.
IsPrefix(p, s) == Len(p) <= Len(s) /\ SubSeq(s, 1, Len(p)) = p

\* The larger of two numbers.
Max2(a, b) == IF a >= b THEN a ELSE b

\* The LSN of the last record of a log without a torn tail, or 0 for an empty one.
LastLsn(lg) == IF lg = << >> THEN 0 ELSE lg[Len(lg)].lsn

\* A log cut at its first torn frame, if any: what recovery truncates the active segment to.
Intact(lg) ==
    LET tears == {i \in DOMAIN lg : lg[i] = Torn}
        first == CHOOSE i \in tears : \A j \in tears : i <= j
    IN IF tears = {} THEN lg ELSE SubSeq(lg, 1, first - 1)

\* The highest LSN among the whole records of a log, or 0.
RECURSIVE MaxLsnIn(_)
MaxLsnIn(lg) == IF lg = << >> THEN 0
                ELSE LET r == lg[Len(lg)]
                         rest == MaxLsnIn(SubSeq(lg, 1, Len(lg) - 1))
                     IN IF r = Torn THEN rest ELSE Max2(r.lsn, rest)

(***************************************************************************)
(* Replay: one forward sweep.  Events of a transaction are held in `open` *)
(* (a function from TxBegin LSN to the query id and events so far) until  *)
(* its TxCommit releases them; a transaction still open at the end is     *)
(* dropped; records at or below the checkpoint LSN are skipped; a torn    *)
(* frame ends the sweep.  The result is the committed transactions in     *)
(* commit order.                                                          *)
(***************************************************************************)
RECURSIVE Sweep(_, _, _, _, _)
Sweep(lg, checkpointLsn, i, open, out) ==
    IF i > Len(lg) THEN out
    ELSE LET r == lg[i] IN
         IF r = Torn THEN out
         ELSE IF r.lsn <= checkpointLsn \/ r.kind = "Checkpoint"
              THEN Sweep(lg, checkpointLsn, i + 1, open, out)
         ELSE IF r.kind = "TxBegin"
              THEN Sweep(lg, checkpointLsn, i + 1, open @@ (r.lsn :> [q |-> r.q, events |-> << >>]), out)
         ELSE IF r.kind = "MutationBatch"
              THEN Sweep(lg, checkpointLsn, i + 1,
                         [open EXCEPT ![r.tx].events = @ \o r.events], out)
         ELSE \* r.kind = "TxCommit"
              Sweep(lg, checkpointLsn, i + 1,
                    [b \in DOMAIN open \ {r.tx} |-> open[b]],
                    Append(out, [q |-> open[r.tx].q, begin |-> r.tx,
                                 commit |-> r.lsn, events |-> open[r.tx].events]))

\* The committed transactions replay finds in log lg above the checkpoint LSN.
Replay(lg, checkpointLsn) == Sweep(lg, checkpointLsn, 1, << >>, << >>)

\* What a recovery from log lg hands the host: its snapshot, then what replay finds above its checkpoint LSN.
Recovery(lg) == snapshot.txs \o Replay(Intact(lg), snapshot.checkpointLsn)

-----------------------------------------------------------------------------
(* The initial state: nothing on disk, the process not yet started. *)

\* The value of `lastCrash` before any crash.
NoCrash == [committed |-> << >>, durableLsn |-> 0, log |-> << >>, checkpointLsn |-> 0]

\* The initial state: an empty disk, no process running yet, no history.
Init ==
    /\ up = FALSE
    /\ armed = FALSE
    /\ buffer = << >>
    /\ poisoned = FALSE
    /\ pending = << >>
    /\ nextLsn = 1
    /\ durableLsn = 0
    /\ log = << >>
    /\ synced = 0
    /\ snapshot = [checkpointLsn |-> 0, txs |-> << >>]
    /\ queries = 0
    /\ committed = << >>
    /\ aborted = {}
    /\ recovered = << >>
    /\ lastCrash = NoCrash
    /\ crashes = 0
    /\ checkpoints = 0

-----------------------------------------------------------------------------
(* The recorder: the host's view (DESIGN.md, the contract). *)

\* arm(): start a query; no I/O.
Arm ==
    /\ up /\ ~poisoned /\ ~armed
    /\ queries < MaxQueries
    /\ armed' = TRUE
    /\ buffer' = << >>
    /\ queries' = queries + 1
    /\ UNCHANGED <<up, poisoned, pending, nextLsn, durableLsn, log, synced, snapshot,
                   committed, aborted, recovered, lastCrash, crashes, checkpoints>>

\* record(e): buffer one event of the armed query in memory.
Record(e) ==
    /\ up /\ ~poisoned /\ armed
    /\ Len(buffer) < MaxEvents
    /\ buffer' = Append(buffer, e)
    /\ UNCHANGED <<up, armed, poisoned, pending, nextLsn, durableLsn, log, synced, snapshot,
                   queries, committed, aborted, recovered, lastCrash, crashes, checkpoints>>

\* commit(): "no" with nothing written and no LSN allocated for an empty buffer; otherwise
\* TxBegin, one MutationBatch and TxCommit go to the writer's memory and the answer is "yes".
\* Each action is one atomic step, so LSNs are allocated in the order the actions happen, which
\* is the order in which the host made its calls. The implementation lets calls overlap and keeps
\* this order with a first-in-first-out writer lane, rotation and truncation included
\* (src/wal-core.ts; test/concurrency/call-order.test.ts).
Commit ==
    /\ up /\ ~poisoned /\ armed
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ IF buffer = << >>
       THEN UNCHANGED <<pending, nextLsn, committed>>
       ELSE /\ nextLsn + 2 <= MaxLsn
            /\ pending' = pending \o TxRecords(nextLsn, queries, buffer)
            /\ nextLsn' = nextLsn + 3
            /\ committed' = Append(committed, [q |-> queries, begin |-> nextLsn,
                                               commit |-> nextLsn + 2, events |-> buffer])
    /\ UNCHANGED <<up, poisoned, durableLsn, log, synced, snapshot, queries, aborted,
                   recovered, lastCrash, crashes, checkpoints>>

\* abort(): drop the buffer, tolerating "not armed"; nothing reaches the log.
Abort ==
    /\ up /\ ~poisoned
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ aborted' = IF armed /\ buffer # << >> THEN aborted \cup {queries} ELSE aborted
    /\ UNCHANGED <<up, poisoned, pending, nextLsn, durableLsn, log, synced, snapshot,
                   queries, committed, recovered, lastCrash, crashes, checkpoints>>

\* poison(reason), or a misuse (arm while armed, record or commit outside a query): sticky refusal.
Poison ==
    /\ up /\ ~poisoned
    /\ poisoned' = TRUE
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ UNCHANGED <<up, pending, nextLsn, durableLsn, log, synced, snapshot, queries,
                   committed, aborted, recovered, lastCrash, crashes, checkpoints>>

-----------------------------------------------------------------------------
(* The writer and the operating system. *)

\* flush(): hand the pending records to the OS in one write; under per-commit also fsync and
\* advance the durable LSN.  The planted bug AckBeforeFsync acknowledges without the fsync.
Flush ==
    /\ up /\ ~poisoned
    /\ log' = log \o pending
    /\ pending' = << >>
    /\ IF AckBeforeFsync
       THEN /\ durableLsn' = Max2(durableLsn, LastLsn(log'))
            /\ UNCHANGED synced
       ELSE IF SyncPolicy = "per-commit"
            THEN /\ synced' = Len(log')
                 /\ durableLsn' = Max2(durableLsn, LastLsn(log'))
            ELSE UNCHANGED <<synced, durableLsn>>
    /\ UNCHANGED <<up, armed, buffer, poisoned, nextLsn, snapshot, queries, committed,
                   aborted, recovered, lastCrash, crashes, checkpoints>>

\* forceFsync() or the group flusher: write what is pending, fsync, advance the durable LSN.
Fsync ==
    /\ up /\ ~poisoned
    /\ log' = log \o pending
    /\ pending' = << >>
    /\ synced' = Len(log')
    /\ durableLsn' = Max2(durableLsn, LastLsn(log'))
    /\ UNCHANGED <<up, armed, buffer, poisoned, nextLsn, snapshot, queries, committed,
                   aborted, recovered, lastCrash, crashes, checkpoints>>

\* An fsync (of a per-commit flush, a forceFsync or the group flusher) returns EIO: the write
\* reached the page cache, nothing became stable, the durable LSN stays, the WAL is poisoned.
FsyncFail ==
    /\ up /\ ~poisoned
    /\ Len(log \o pending) > synced
    /\ log' = log \o pending
    /\ pending' = << >>
    /\ poisoned' = TRUE
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ UNCHANGED <<up, nextLsn, durableLsn, synced, snapshot, queries, committed, aborted,
                   recovered, lastCrash, crashes, checkpoints>>

\* A write fails (ENOSPC, short write) and the WAL is poisoned.  The file is cut back to its
\* last whole frame, but the cut is not durable until an fsync: whole frames the failed write
\* got out (the first j pending records) stay in `log` as unsynced, so a crash may keep them
\* or not, exactly like any other unsynced record.  The rest stays in flight and may tear.
WriteFail ==
    /\ up /\ ~poisoned
    /\ pending # << >>
    /\ \E j \in 0 .. Len(pending) - 1 :
          /\ log' = log \o SubSeq(pending, 1, j)
          /\ pending' = SubSeq(pending, j + 1, Len(pending))
    /\ poisoned' = TRUE
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ UNCHANGED <<up, nextLsn, durableLsn, synced, snapshot, queries,
                   committed, aborted, recovered, lastCrash, crashes, checkpoints>>

\* The host has made a durable snapshot of every transaction up to commit LSN s and writes a
\* checkpoint marker.  The host only snapshots what is durable, and never moves backwards.
CheckpointMarker(s) ==
    /\ up /\ ~poisoned
    /\ checkpoints < MaxCheckpoints
    /\ nextLsn <= MaxLsn
    /\ snapshot.checkpointLsn < s /\ s <= durableLsn
    /\ \E c \in Range(committed) : c.commit = s
    /\ snapshot' = [checkpointLsn |-> s, txs |-> SelectSeq(committed, LAMBDA c : c.commit <= s)]
    /\ pending' = Append(pending, CheckpointRec(nextLsn, s))
    /\ nextLsn' = nextLsn + 1
    /\ checkpoints' = checkpoints + 1
    /\ UNCHANGED <<up, armed, buffer, poisoned, durableLsn, log, synced, queries, committed,
                   aborted, recovered, lastCrash, crashes>>

\* truncateUpTo(f): delete a run of the oldest records, all at or below f (which the
\* host's snapshot covers).  Segments are not modelled, but two of their properties are: a
\* segment starts at a transaction boundary (rotation happens only at begin), so the cut does
\* too; and "always keep the active segment and the one before it" becomes "keep at least the
\* last synced record", whose LSN bounds nextLsn after a crash.
TruncateUpTo(f) ==
    /\ up /\ ~poisoned
    /\ f <= snapshot.checkpointLsn
    /\ \E k \in 1 .. (synced - 1) :
          /\ \A i \in 1 .. k : log[i].lsn <= f
          /\ log[k + 1].kind \in {"TxBegin", "Checkpoint"}
          /\ log' = SubSeq(log, k + 1, Len(log))
          /\ synced' = synced - k
    /\ UNCHANGED <<up, armed, buffer, poisoned, pending, nextLsn, durableLsn, snapshot,
                   queries, committed, aborted, recovered, lastCrash, crashes, checkpoints>>

-----------------------------------------------------------------------------
(* Crash and recovery. *)

\* The crash states a crash may leave: the synced prefix and any longer prefix of what the OS
\* held, possibly followed by a torn frame when something unsynced or in flight was cut short,
\* and possibly by one whole later frame that persisted past the tear (a "stray": sectors may
\* persist out of order).  Recovery drops everything from the tear on, but a stray's LSN is on
\* disk and must not be reused; one stray (the highest) is enough to express that.
CrashStates ==
    {SubSeq(log, 1, k) : k \in synced .. Len(log)}
    \cup {SubSeq(log, 1, k) \o << Torn >> :
           k \in synced .. (IF pending = << >> THEN Len(log) - 1 ELSE Len(log))}
    \cup UNION {{SubSeq(log, 1, k) \o << Torn, log[j] >> : j \in k + 2 .. Len(log)} :
                k \in synced .. Len(log) - 2}

\* What the history remembers of a crash that left crash state c.
CrashRecord(c) == [committed |-> committed, durableLsn |-> durableLsn, log |-> c,
                   checkpointLsn |-> snapshot.checkpointLsn]

\* The process (or the machine) stops in one of the crash states.  Every variable of
\* `volatile` is reset, as in DiskSynod; the disk keeps the crash state.
Crash ==
    /\ up
    /\ crashes < MaxCrashes
    /\ \E c \in CrashStates :
          /\ log' = c
          /\ synced' = Len(Intact(c))
          /\ lastCrash' = CrashRecord(c)
    /\ up' = FALSE
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ poisoned' = FALSE
    /\ pending' = << >>
    /\ nextLsn' = 1
    /\ durableLsn' = 0
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<snapshot, queries, committed, aborted, recovered, checkpoints>>

\* The state open() reaches from disk contents lg: cut the torn tail off, make the intact log
\* durable, replay it above the snapshot's checkpoint LSN, and allocate above the highest LSN on disk,
\* a stray's included.
\* It touches only the variables a crash resets, the disk and the replay history.
RecoverFrom(lg) ==
    /\ log' = Intact(lg)
    /\ synced' = Len(Intact(lg))
    /\ nextLsn' = MaxLsnIn(lg) + 1
    /\ durableLsn' = MaxLsnIn(lg)
    /\ recovered' = Recovery(lg)
    /\ committed' = Recovery(lg)
    /\ up' = TRUE
    /\ armed' = FALSE
    /\ buffer' = << >>
    /\ poisoned' = FALSE
    /\ pending' = << >>

\* open() after a crash (or of a fresh directory).
Recover ==
    /\ ~up
    /\ RecoverFrom(log)
    /\ UNCHANGED <<snapshot, queries, aborted, lastCrash, crashes, checkpoints>>

\* What the disk may hold when the power fails again while open() recovers log lg: recovery's
\* cut of the torn tail either became durable or not, and its rewrite of the intact frames (the
\* fsyncgate repair) writes the same bytes in place, so either way every intact record is still
\* there.  The planted bug RepairTruncates repairs by cutting the file back to its header and
\* appending the frames again: interrupted, it leaves any prefix of the intact log.
InterruptedRecoveryStates(lg) ==
    {lg, Intact(lg)}
    \cup (IF RepairTruncates THEN {SubSeq(Intact(lg), 1, k) : k \in 0 .. Len(Intact(lg))} ELSE {})

\* The power fails again while open() recovers, before open() returned.  The host never saw this
\* recovery, so `lastCrash` keeps what the host held when the running process crashed: its
\* committed transactions, the durable LSN that process acknowledged and its checkpoint LSN.  Only the
\* crash state moves on to what the disk now holds, which the next recovery starts from: if the
\* cut of the torn tail became durable, a stray frame's LSN is gone from disk and may be handed
\* out again (NoReuseInv is about what survived).  Recording this crash with CrashRecord instead
\* would take the durable LSN of a process that acknowledged nothing, 0, and check nothing;
\* taking a durable LSN from an earlier process for a later one's LSNs is the mistake
\* crash-sim's oracle made in issue 13.  Every volatile variable is already reset.
CrashDuringRecover ==
    /\ ~up
    /\ crashes < MaxCrashes
    /\ \E c \in InterruptedRecoveryStates(log) :
          /\ log' = c
          /\ synced' = Len(Intact(c))
          /\ lastCrash' = [lastCrash EXCEPT !.log = c]
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<up, armed, buffer, poisoned, pending, nextLsn, durableLsn, snapshot, queries,
                   committed, aborted, recovered, checkpoints>>

-----------------------------------------------------------------------------

\* Every step the system may take.  The host truncates only up to its checkpoint LSN.
Next ==
    \/ Arm
    \/ \E e \in Events : Record(e)
    \/ Commit
    \/ Abort
    \/ Poison
    \/ Flush
    \/ Fsync
    \/ FsyncFail
    \/ WriteFail
    \/ \E s \in Lsns : CheckpointMarker(s)
    \/ TruncateUpTo(snapshot.checkpointLsn)
    \/ Crash
    \/ CrashDuringRecover
    \/ Recover

\* Under per-commit the host flushes after every "yes"; under group the background flusher
\* fsyncs.  Under none nothing promises an fsync, so no liveness is claimed there.
Fairness ==
    /\ WF_vars(Flush)
    /\ IF SyncPolicy = "group" THEN WF_vars(Fsync) ELSE TRUE

\* The behaviours of the WAL.
Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(***************************************************************************)
(* Invariants: the recovery guarantee of DESIGN.md.  The four that talk   *)
(* about a crash are claimed while the process runs, that is after the    *)
(* recovery that followed it (between Crash and Recover nothing has been  *)
(* replayed yet, and CrashDuringRecover may strike any number of times    *)
(* within MaxCrashes).  Before the first crash `lastCrash` is NoCrash.    *)
(***************************************************************************)

\* Every variable holds a value of its intended type.
TypeOK ==
    /\ up \in BOOLEAN
    /\ armed \in BOOLEAN
    /\ buffer \in Seq(Events) /\ Len(buffer) <= MaxEvents
    /\ poisoned \in BOOLEAN
    /\ pending \in Seq(Records)
    /\ nextLsn \in 1 .. MaxLsn + 1
    /\ durableLsn \in Lsns
    /\ log \in Seq(Records)
    /\ synced \in 0 .. Len(log)
    /\ snapshot \in [checkpointLsn : Lsns, txs : Seq(Txs)]
    /\ queries \in QueryIds
    /\ committed \in Seq(Txs)
    /\ aborted \subseteq QueryIds
    /\ recovered \in Seq(Txs)
    /\ lastCrash \in [committed : Seq(Txs), durableLsn : Lsns, log : Seq(Records), checkpointLsn : Lsns]
    /\ crashes \in 0 .. MaxCrashes
    /\ checkpoints \in 0 .. MaxCheckpoints

\* Prefix: the last recovery returned a prefix of the transactions committed before the crash.
PrefixInv == up => IsPrefix(recovered, lastCrash.committed)

\* Durability: every transaction whose commit LSN was acknowledged durable before the crash
\* came back, also when further crashes interrupted the recoveries in between.
DurabilityInv ==
    up => \A i \in 1 .. Len(lastCrash.committed) :
        lastCrash.committed[i].commit <= lastCrash.durableLsn => lastCrash.committed[i] \in Range(recovered)

\* Atomicity: no aborted query's transaction comes back, and every recovered transaction is a
\* committed one with exactly its events.
AtomicityInv ==
    up => \A t \in Range(recovered) : t.q \notin aborted /\ t \in Range(lastCrash.committed)

\* No reuse: while running, LSNs strictly increase along the log and the writer's memory, and
\* the next LSN is above every LSN on disk, above every LSN the last crash state held (a stray
\* past a tear included) and above the snapshot's checkpoint LSN.
NoReuseInv ==
    up => LET all == log \o pending IN
          /\ \A i \in 1 .. Len(all) : all[i] # Torn /\ all[i].lsn < nextLsn
          /\ \A i \in 1 .. Len(all) - 1 : all[i].lsn < all[i + 1].lsn
          /\ MaxLsnIn(lastCrash.log) < nextLsn
          /\ snapshot.checkpointLsn < nextLsn

\* Idempotence: what a recovery returned stays recoverable: a crash at any later moment (in
\* particular right after the recovery, when nothing is unsynced) recovers at least as much.
IdempotenceInv == up => IsPrefix(recovered, Recovery(SubSeq(log, 1, synced)))

\* Whether committed transaction c is whole in log lg: all three of its records are in it.
HeldIntact(c, lg) ==
    /\ TxBeginRec(c.begin, c.q) \in Range(lg)
    /\ BatchRec(c.begin + 1, c.begin, c.events) \in Range(lg)
    /\ CommitRec(c.commit, c.begin) \in Range(lg)

\* Whether c is whole in the part of crash state lg before its first tear.
HeldIntactBeforeTear(c, lg) == HeldIntact(c, Intact(lg))

\* Exactness: recovery returned exactly the committed transactions that the snapshot or the
\* crash state holds whole before its first tear, computed without replay's sweep.
ExactnessInv ==
    up => recovered = SelectSeq(lastCrash.committed,
                          LAMBDA c : c.commit <= lastCrash.checkpointLsn \/ HeldIntactBeforeTear(c, lastCrash.log))

\* Every invariant at once.
Invariants ==
    /\ TypeOK /\ PrefixInv /\ DurabilityInv /\ AtomicityInv /\ NoReuseInv
    /\ IdempotenceInv /\ ExactnessInv

-----------------------------------------------------------------------------
(* Liveness. *)

\* A committed transaction becomes durable unless the WAL is poisoned or the process crashes
\* first.  It needs the fairness above: it holds under group (MCWalGroup) and fails under none
\* (MCWalNoFlusher), where only an explicit forceFsync makes anything durable.
EventuallyDurable ==
    \A l \in Lsns \ {0} :
        (up /\ \E c \in Range(committed) : c.commit = l)
            ~> (~up \/ poisoned \/ durableLsn >= l)

\* What MCWal and MCWalGroup check within their bounds.
THEOREM Spec => []Invariants
THEOREM SyncPolicy = "group" => (Spec => EventuallyDurable)
=============================================================================
