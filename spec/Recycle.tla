------------------------------ MODULE Recycle ------------------------------
(***************************************************************************)
(* One segment file used for several lives: walref's preallocated,        *)
(* recycled segments and the salt of format v2 (docs/format.md,           *)
(* "Preallocation and reuse" and "Where a segment's frames end").          *)
(*                                                                         *)
(* The file is a row of frame slots.  A frame carries the salt of the      *)
(* life it was written in and the run of the process that wrote it; the   *)
(* header carries the salt and base LSN of the current life.  A slot has  *)
(* two parts that reach the disk independently: the frame's length and    *)
(* the rest of it (a crash can keep one sector of a write and lose the    *)
(* next).  Every frame has the same length, so any frame written at a     *)
(* slot writes the same length bytes: it can complete the rest of an      *)
(* older frame there.  A new life (Recycle) starts only once the file is   *)
(* synced whole (rotation seals a segment with an fsync) and with a       *)
(* durable header (it is written and fsynced before the file is renamed   *)
(* into place); the new frames then overwrite the slots from the first    *)
(* on, and the slots after them still hold the frames of the life before. *)
(* Each Write puts one frame in the page cache and an end marker (zeros)  *)
(* in the next slot; Sync makes the page cache durable; a Crash keeps,    *)
(* slot by slot, the durable contents or the page cache's (a disk that    *)
(* persists sectors in any order, part by part); Recover replays the     *)
(* frames of the current life from the first slot on, cuts the file      *)
(* after them when anything but zeros lies further on (zeros from there), *)
(* syncs, and the writer continues there.                                 *)
(*                                                                         *)
(* Wal.tla abstracts segments away; this module is the part of the        *)
(* protocol that exists only because files are reused.  Its invariants:   *)
(* StaleNeverReplayedInv (replay never returns a frame of an earlier      *)
(* life), SaltDurabilityInv (every frame of the current life that was on  *)
(* stable storage when the process went down is replayed) and             *)
(* SaltNoReuseInv (the writer continues above every LSN of the current    *)
(* life on disk) and NoResurrectionInv (a frame that a recovery did not   *)
(* replay is never replayed later).  With IgnoreSalt = TRUE the planted   *)
(* replay takes every whole frame for a record of the current life, and   *)
(* TLC finds a stale frame replayed (MCRecycleNoSalt.cfg).  With          *)
(* KeepRemains = TRUE the planted recovery cuts only when a whole frame   *)
(* of this life lies after the end (walref's rule until 2026-12-06), and  *)
(* TLC finds a frame whose length a crash lost completed by a later write *)
(* (MCRecycleKeepRemains.cfg).  spec/README.md maps the names to          *)
(* model/recycle.ts, src/ and the tests.                                  *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Slots,       \* How many frame slots the file holds.
    MaxLives,    \* The most lives (salts) in one behaviour: the file is recycled MaxLives - 1 times.
    MaxLsn,      \* The highest LSN the writer may allocate.
    MaxCrashes,  \* The most crashes in one behaviour.
    IgnoreSalt,  \* A planted bug: TRUE makes replay accept a whole frame whatever its salt.
    KeepRemains  \* A planted bug: TRUE makes recovery cut only when a whole frame of this life lies after the end.

ASSUME /\ Slots \in Nat \ {0}
       /\ MaxLives \in Nat \ {0}
       /\ MaxLsn \in Nat
       /\ MaxCrashes \in Nat
       /\ IgnoreSalt \in BOOLEAN
       /\ KeepRemains \in BOOLEAN

\* What the rest of a frame's slot may hold (all but the length): zeros (preallocated, or an end
\* marker), or the rest of a frame of life s with LSN l, written by run r of the process (runs count
\* crashes: run 0 until the first crash, run r after the r-th).
Zero == [kind |-> "zero"]
Frame(s, l, r) == [kind |-> "frame", salt |-> s, lsn |-> l, run |-> r]
Contents == {Zero} \cup {Frame(s, l, r) : s \in 1 .. MaxLives, l \in 1 .. MaxLsn, r \in 0 .. MaxCrashes}

\* A slot: whether a frame's length is there (all frames have the same length, so any frame's
\* length bytes complete any frame's rest), and the rest.
Slot(hasLength, rest) == [len |-> hasLength, body |-> rest]
ZeroSlot == Slot(FALSE, Zero)
SlotContents == [len : BOOLEAN, body : Contents]

\* A slot that holds a whole frame of life s.
WholeOf(c, s) == c.len /\ c.body.kind = "frame" /\ c.body.salt = s

VARIABLES
    salt,        \* The header's salt: the current life's (durable: a header is synced before use).
    base,        \* The header's base LSN: the LSN the current life's first frame may have.
    disk,        \* The slots on stable storage.
    cache,       \* The slots as the process sees them: the page cache.
    pos,         \* The slot the writer writes next.
    nextLsn,     \* The LSN the writer allocates next.
    up,          \* Whether the process is running.
    replayed,    \* History: the frames the last recovery replayed, in slot order.
    replayedBefore, \* History: the frames the recovery before it replayed (a set).
    replayedLife,\* History: the salt of the life that recovery replayed (the header's at the time).
    durableLive, \* History: the frames of the current life on stable storage when the process went down.
    crashes      \* History: how many crashes happened.

vars == <<salt, base, disk, cache, pos, nextLsn, up, replayed, replayedBefore, replayedLife, durableLive, crashes>>

TypeOK ==
    /\ salt \in 1 .. MaxLives
    /\ base \in 1 .. MaxLsn + 1
    /\ disk \in [1 .. Slots -> SlotContents]
    /\ cache \in [1 .. Slots -> SlotContents]
    /\ pos \in 1 .. Slots + 1
    /\ nextLsn \in 1 .. MaxLsn + 1
    /\ up \in BOOLEAN
    /\ replayed \in Seq(Contents)
    /\ replayedBefore \in SUBSET Contents
    /\ replayedLife \in 1 .. MaxLives
    /\ durableLive \in SUBSET Contents
    /\ crashes \in 0 .. MaxCrashes

-----------------------------------------------------------------------------
(* Replay: the live frames from the first slot on. *)

\* A slot replay reads as a record of the current life.  The salt check is the whole point; the
\* planted bug drops it.
Live(c) == c.len /\ c.body.kind = "frame" /\ (IgnoreSalt \/ c.body.salt = salt)

\* How many slots from the first on hold live frames: where the segment's records end.
LiveCount(d) == CHOOSE k \in 0 .. Slots :
                    /\ \A i \in 1 .. k : Live(d[i])
                    /\ (k = Slots \/ ~Live(d[k + 1]))

\* The records replay returns.
Replay(d) == [i \in 1 .. LiveCount(d) |-> d[i].body]

\* The highest LSN of a whole frame of the current life anywhere in the file (strays after the end
\* included), or 0.  The rest of a frame whose length was lost names no LSN recovery can see.
MaxLifeLsn(d) ==
    LET lsns == {d[i].body.lsn : i \in {j \in 1 .. Slots : WholeOf(d[j], salt)}}
    IN IF lsns = {} THEN 0 ELSE CHOOSE m \in lsns : \A x \in lsns : x <= m

-----------------------------------------------------------------------------
(* Actions. *)

Init ==
    /\ salt = 1
    /\ base = 1
    /\ disk = [i \in 1 .. Slots |-> ZeroSlot]
    /\ cache = disk
    /\ pos = 1
    /\ nextLsn = 1
    /\ up = TRUE
    /\ replayed = <<>>
    /\ replayedBefore = {}
    /\ replayedLife = 1
    /\ durableLive = {}
    /\ crashes = 0

\* The writer hands one frame to the OS (its length and the rest), with the end marker after it in
\* the same write.
Write ==
    /\ up
    /\ pos <= Slots
    /\ nextLsn <= MaxLsn
    /\ cache' = [i \in 1 .. Slots |->
                    IF i = pos THEN Slot(TRUE, Frame(salt, nextLsn, crashes))
                    ELSE IF i = pos + 1 THEN ZeroSlot
                    ELSE cache[i]]
    /\ pos' = pos + 1
    /\ nextLsn' = nextLsn + 1
    /\ UNCHANGED <<salt, base, disk, up, replayed, replayedBefore, replayedLife, durableLive, crashes>>

\* An fsync that returned OK: everything in the page cache is on stable storage.
Sync ==
    /\ up
    /\ disk' = cache
    /\ UNCHANGED <<salt, base, cache, pos, nextLsn, up, replayed, replayedBefore, replayedLife, durableLive, crashes>>

\* The file becomes the next segment: it was synced whole when it was sealed; its new header (a
\* new salt, base LSN = the next LSN) is durable before any frame of the new life is written.
Recycle ==
    /\ up
    /\ salt < MaxLives
    /\ disk = cache
    /\ salt' = salt + 1
    /\ base' = nextLsn
    /\ pos' = 1
    /\ UNCHANGED <<disk, cache, nextLsn, up, replayed, replayedBefore, replayedLife, durableLive, crashes>>

\* Power loss: each part of each slot (the length, the rest) keeps its durable contents or the page
\* cache's, independently; the header is durable.
Crash ==
    /\ up
    /\ crashes < MaxCrashes
    /\ \E keptLength, keptRest \in SUBSET (1 .. Slots) :
          disk' = [i \in 1 .. Slots |->
                      Slot(IF i \in keptLength THEN cache[i].len ELSE disk[i].len,
                           IF i \in keptRest THEN cache[i].body ELSE disk[i].body)]
    /\ durableLive' = {disk[i].body : i \in {j \in 1 .. Slots : WholeOf(disk[j], salt)}}
    /\ up' = FALSE
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<salt, base, cache, pos, nextLsn, replayed, replayedBefore, replayedLife>>

\* Recovery: replay; then, when anything but zeros lies after the live frames, the file is cut there
\* and grown back with zeros, synced; only zeros are left as they are.  Why not leave an earlier
\* life's frames, which the salt keeps out: the rest of a frame of this life whose length a crash
\* lost looks like them, and the first frame the writer puts in its slot writes the lost length
\* (KeepRemains plants the old rule, which cut only for a whole frame of this life).  The writer
\* continues after the live frames, above every LSN of this life on disk and above the header's
\* base.
Recover ==
    /\ ~up
    /\ LET k == LiveCount(disk)
           dirty == IF KeepRemains
                    THEN \E i \in k + 1 .. Slots : WholeOf(disk[i], salt)
                    ELSE \E i \in k + 1 .. Slots : disk[i] # ZeroSlot
           repaired == IF dirty THEN [i \in 1 .. Slots |-> IF i <= k THEN disk[i] ELSE ZeroSlot] ELSE disk
       IN /\ replayed' = Replay(disk)
          /\ replayedBefore' = {replayed[i] : i \in DOMAIN replayed}
          /\ replayedLife' = salt
          /\ disk' = repaired
          /\ cache' = repaired
          /\ pos' = k + 1
          /\ nextLsn' = IF MaxLifeLsn(disk) + 1 > base THEN MaxLifeLsn(disk) + 1 ELSE base
    /\ up' = TRUE
    /\ UNCHANGED <<salt, base, durableLive, crashes>>

Next == Write \/ Sync \/ Recycle \/ Crash \/ Recover

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants. *)

\* Replay never returns a frame written in an earlier life of the file.
StaleNeverReplayedInv == \A i \in DOMAIN replayed : replayed[i].salt = replayedLife

\* Every frame of the current life that was on stable storage when the process went down is
\* replayed (by the recovery that followed; both are kept until the next crash).
SaltDurabilityInv == up => \A f \in durableLive : \E i \in DOMAIN replayed : replayed[i] = f

\* The writer never hands out an LSN that a frame of the current life on disk already carries.
SaltNoReuseInv == up => \A i \in 1 .. Slots : WholeOf(disk[i], salt) => disk[i].body.lsn < nextLsn

\* A frame that a recovery did not replay is never replayed later: every frame the last recovery
\* replayed was written in the run that crashed just before it, or was replayed by the recovery
\* before.  (A host told, after the first recovery, that a transaction did not commit must never
\* see it committed after the next.)
NoResurrectionInv ==
    up => \A i \in DOMAIN replayed : replayed[i].run = crashes - 1 \/ replayed[i] \in replayedBefore

Invariants == TypeOK /\ StaleNeverReplayedInv /\ SaltDurabilityInv /\ SaltNoReuseInv /\ NoResurrectionInv

THEOREM Spec => []Invariants
=============================================================================
