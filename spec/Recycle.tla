------------------------------ MODULE Recycle ------------------------------
(***************************************************************************)
(* One segment file used for several lives: walref's preallocated,        *)
(* recycled segments and the salt of format v2 (docs/format.md,           *)
(* "Preallocation and reuse" and "Where a segment's frames end").          *)
(*                                                                         *)
(* The file is a row of frame slots.  A frame carries the salt of the      *)
(* life it was written in; the header carries the salt and base LSN of    *)
(* the current life.  A new life (Recycle) starts only once the file is   *)
(* synced whole (rotation seals a segment with an fsync) and with a       *)
(* durable header (it is written and fsynced before the file is renamed   *)
(* into place); the new frames then overwrite the slots from the first    *)
(* on, and the slots after them still hold the frames of the life before. *)
(* Each Write puts one frame in the page cache and an end marker (zeros)  *)
(* in the next slot; Sync makes the page cache durable; a Crash keeps,    *)
(* slot by slot, the durable contents or the page cache's (a disk that    *)
(* persists sectors in any order); Recover replays the frames of the      *)
(* current life from the first slot on, cuts the file after them when a  *)
(* frame of this life lies further on (zeros from there), syncs, and the  *)
(* writer continues there.                                                *)
(*                                                                         *)
(* Wal.tla abstracts segments away; this module is the part of the        *)
(* protocol that exists only because files are reused.  Its invariants:   *)
(* StaleNeverReplayedInv (replay never returns a frame of an earlier      *)
(* life), SaltDurabilityInv (every frame of the current life that was on  *)
(* stable storage when the process went down is replayed) and             *)
(* SaltNoReuseInv (the writer continues above every LSN of the current    *)
(* life on disk).  With IgnoreSalt = TRUE the planted replay takes every  *)
(* whole frame for a record of the current life, and TLC finds a stale    *)
(* frame replayed (MCRecycleNoSalt.cfg).  spec/README.md maps the names   *)
(* to model/recycle.ts, src/ and the tests.                               *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Slots,       \* How many frame slots the file holds.
    MaxLives,    \* The most lives (salts) in one behaviour: the file is recycled MaxLives - 1 times.
    MaxLsn,      \* The highest LSN the writer may allocate.
    MaxCrashes,  \* The most crashes in one behaviour.
    IgnoreSalt   \* A planted bug: TRUE makes replay accept a whole frame whatever its salt.

ASSUME /\ Slots \in Nat \ {0}
       /\ MaxLives \in Nat \ {0}
       /\ MaxLsn \in Nat
       /\ MaxCrashes \in Nat
       /\ IgnoreSalt \in BOOLEAN

\* What a slot may hold: zeros (preallocated, or an end marker), or a whole frame.
Zero == [kind |-> "zero"]
Frame(s, l) == [kind |-> "frame", salt |-> s, lsn |-> l]
Contents == {Zero} \cup {Frame(s, l) : s \in 1 .. MaxLives, l \in 1 .. MaxLsn}

VARIABLES
    salt,        \* The header's salt: the current life's (durable: a header is synced before use).
    base,        \* The header's base LSN: the LSN the current life's first frame may have.
    disk,        \* The slots on stable storage.
    cache,       \* The slots as the process sees them: the page cache.
    pos,         \* The slot the writer writes next.
    nextLsn,     \* The LSN the writer allocates next.
    up,          \* Whether the process is running.
    replayed,    \* History: the frames the last recovery replayed, in slot order.
    replayedLife,\* History: the salt of the life that recovery replayed (the header's at the time).
    durableLive, \* History: the frames of the current life on stable storage when the process went down.
    crashes      \* History: how many crashes happened.

vars == <<salt, base, disk, cache, pos, nextLsn, up, replayed, replayedLife, durableLive, crashes>>

TypeOK ==
    /\ salt \in 1 .. MaxLives
    /\ base \in 1 .. MaxLsn + 1
    /\ disk \in [1 .. Slots -> Contents]
    /\ cache \in [1 .. Slots -> Contents]
    /\ pos \in 1 .. Slots + 1
    /\ nextLsn \in 1 .. MaxLsn + 1
    /\ up \in BOOLEAN
    /\ replayed \in Seq(Contents)
    /\ replayedLife \in 1 .. MaxLives
    /\ durableLive \in SUBSET Contents
    /\ crashes \in 0 .. MaxCrashes

-----------------------------------------------------------------------------
(* Replay: the live frames from the first slot on. *)

\* A slot replay reads as a record of the current life.  The salt check is the whole point; the
\* planted bug drops it.
Live(c) == c.kind = "frame" /\ (IgnoreSalt \/ c.salt = salt)

\* How many slots from the first on hold live frames: where the segment's records end.
LiveCount(d) == CHOOSE k \in 0 .. Slots :
                    /\ \A i \in 1 .. k : Live(d[i])
                    /\ (k = Slots \/ ~Live(d[k + 1]))

\* The records replay returns.
Replay(d) == [i \in 1 .. LiveCount(d) |-> d[i]]

\* The highest LSN of a frame of the current life anywhere in the file (strays after the end
\* included), or 0.
MaxLifeLsn(d) ==
    LET lsns == {d[i].lsn : i \in {j \in 1 .. Slots : d[j].kind = "frame" /\ d[j].salt = salt}}
    IN IF lsns = {} THEN 0 ELSE CHOOSE m \in lsns : \A x \in lsns : x <= m

-----------------------------------------------------------------------------
(* Actions. *)

Init ==
    /\ salt = 1
    /\ base = 1
    /\ disk = [i \in 1 .. Slots |-> Zero]
    /\ cache = disk
    /\ pos = 1
    /\ nextLsn = 1
    /\ up = TRUE
    /\ replayed = <<>>
    /\ replayedLife = 1
    /\ durableLive = {}
    /\ crashes = 0

\* The writer hands one frame to the OS, with the end marker after it in the same write.
Write ==
    /\ up
    /\ pos <= Slots
    /\ nextLsn <= MaxLsn
    /\ cache' = [i \in 1 .. Slots |->
                    IF i = pos THEN Frame(salt, nextLsn)
                    ELSE IF i = pos + 1 THEN Zero
                    ELSE cache[i]]
    /\ pos' = pos + 1
    /\ nextLsn' = nextLsn + 1
    /\ UNCHANGED <<salt, base, disk, up, replayed, replayedLife, durableLive, crashes>>

\* An fsync that returned OK: everything in the page cache is on stable storage.
Sync ==
    /\ up
    /\ disk' = cache
    /\ UNCHANGED <<salt, base, cache, pos, nextLsn, up, replayed, replayedLife, durableLive, crashes>>

\* The file becomes the next segment: it was synced whole when it was sealed; its new header (a
\* new salt, base LSN = the next LSN) is durable before any frame of the new life is written.
Recycle ==
    /\ up
    /\ salt < MaxLives
    /\ disk = cache
    /\ salt' = salt + 1
    /\ base' = nextLsn
    /\ pos' = 1
    /\ UNCHANGED <<disk, cache, nextLsn, up, replayed, replayedLife, durableLive, crashes>>

\* Power loss: each slot keeps its durable contents or the page cache's; the header is durable.
Crash ==
    /\ up
    /\ crashes < MaxCrashes
    /\ \E kept \in SUBSET (1 .. Slots) :
          disk' = [i \in 1 .. Slots |-> IF i \in kept THEN cache[i] ELSE disk[i]]
    /\ durableLive' = {disk[i] : i \in {j \in 1 .. Slots : disk[j].kind = "frame" /\ disk[j].salt = salt}}
    /\ up' = FALSE
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<salt, base, cache, pos, nextLsn, replayed, replayedLife>>

\* Recovery: replay; then, when a frame of this life lies after the live frames (its remains must
\* never be read or completed later), the file is cut there and grown back with zeros, synced;
\* otherwise the slots after the live frames stay as they are (zeros, or frames of earlier lives,
\* which the salt keeps out).  The writer continues after the live frames, above every LSN of
\* this life on disk and above the header's base.
Recover ==
    /\ ~up
    /\ LET k == LiveCount(disk)
           dirty == \E i \in k + 1 .. Slots : disk[i].kind = "frame" /\ disk[i].salt = salt
           repaired == IF dirty THEN [i \in 1 .. Slots |-> IF i <= k THEN disk[i] ELSE Zero] ELSE disk
       IN /\ replayed' = Replay(disk)
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
SaltNoReuseInv == up => \A i \in 1 .. Slots : (disk[i].kind = "frame" /\ disk[i].salt = salt) => disk[i].lsn < nextLsn

Invariants == TypeOK /\ StaleNeverReplayedInv /\ SaltDurabilityInv /\ SaltNoReuseInv

THEOREM Spec => []Invariants
=============================================================================
