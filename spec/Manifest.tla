------------------------------ MODULE Manifest ------------------------------
(***************************************************************************)
(* walref's checkpoint protocol (src/core/checkpoint.ts, after selene's    *)
(* rotate_with_manifest and prune): the snapshot epoch and the MANIFEST    *)
(* as its single commit point.  Wal.tla states the log; this module states *)
(* the files a checkpoint writes, renames and removes, at the level of     *)
(* directory entries and file data, with the fault model of               *)
(* docs/fault-model.md: an entry change (create, rename, unlink) is        *)
(* durable only after a directory fsync, and any subset of the pending     *)
(* ones may persist; a file's data is durable only after its fsync, and    *)
(* unsynced data may come back whole or as garbage.                        *)
(*                                                                         *)
(* The log is abstracted to its segments: segment j holds the j-th block   *)
(* of records, and a snapshot "up to k" holds everything in segments 1..k. *)
(* Segments are created durable (rotation fsyncs the directory; Wal.tla   *)
(* covers their contents) and only the protocol removes them.              *)
(*                                                                         *)
(* The invariants: OneEpochInv, recovery finds exactly one complete epoch  *)
(* (the MANIFEST that survived, the snapshot it names with the bytes that  *)
(* epoch wrote, and every segment above its fence: never the old epoch's   *)
(* MANIFEST with files the new one dropped); EpochDurabilityInv, an epoch  *)
(* whose checkpoint returned is never lost.  Three planted bugs break      *)
(* them: removing before the commit, a rename without the directory fsync *)
(* after it, a snapshot file that was never fsynced.                       *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    MaxSegments,           \* The most segments the log grows to.
    MaxCheckpoints,        \* The most checkpoints in one behaviour.
    MaxCrashes,            \* The most crashes in one behaviour.
    RetainSnapshots,       \* retain.snapshots: snapshots the MANIFEST names, the live one included.
    DeleteBeforeCommit,    \* Planted bug: remove what the new MANIFEST drops before renaming it in.
    NoDirFsyncAfterRename, \* Planted bug: no directory fsync between the rename and what follows it.
    UnsyncedSnapshot       \* Planted bug: the snapshot file's data is never fsynced.

ASSUME /\ MaxSegments \in Nat \ {0}
       /\ MaxCheckpoints \in Nat
       /\ MaxCrashes \in Nat
       /\ RetainSnapshots \in Nat \ {0}
       /\ DeleteBeforeCommit \in BOOLEAN
       /\ NoDirFsyncAfterRename \in BOOLEAN
       /\ UnsyncedSnapshot \in BOOLEAN

\* File names in the WAL directory (all pairs, so TLC can compare any two).
ManifestName == <<"MANIFEST", 0>>
TempName == <<"MANIFEST.tmp", 0>>
Snap(i) == <<"snap", i>>
Seg(j) == <<"seg", j>>
Names == {ManifestName, TempName} \cup {Snap(i) : i \in 1 .. MaxCheckpoints} \cup {Seg(j) : j \in 1 .. MaxSegments}

\* Inodes: every file ever created gets a new one (segments, snapshots, MANIFESTs); 0 is none.
Inodes == 1 .. (MaxSegments + 2 * MaxCheckpoints)

\* What a file holds.  A MANIFEST names its epoch, the snapshot ids it retains (the live one is
\* `live`, whose snapshot covers segments 1..upTo) and the first segment the epoch needs.
SegData(j) == [kind |-> "seg", id |-> j]
SnapData(k) == [kind |-> "snap", upTo |-> k]
ManifestData(e, live, upTo, first, retained) ==
    [kind |-> "manifest", epoch |-> e, live |-> live, upTo |-> upTo, first |-> first, retained |-> retained]
Garbage == [kind |-> "garbage"]

\* No MANIFEST yet: epoch 0, no snapshot, nothing below segment 1 dropped.
NoManifest == ManifestData(0, 0, 0, 1, {})

\* An entry change not yet made durable by a directory fsync.
CreateOp(n, ino) == [op |-> "create", name |-> n, ino |-> ino]
RenameOp(a, b, ino) == [op |-> "rename", from |-> a, to |-> b, ino |-> ino]
UnlinkOp(n, ino) == [op |-> "unlink", name |-> n, ino |-> ino]

VARIABLES
    entries,     \* The live directory: name -> inode (0: no such file).
    durable,     \* The directory entries on stable storage.
    pending,     \* Entry changes since the last directory fsync, in issue order.
    data,        \* inode -> what the file holds (the page cache's view).
    synced,      \* The inodes whose data is on stable storage.
    nextIno,     \* The next inode to hand out.
    segs,        \* The active segment's id: segments 1..segs exist (those not removed).
    epoch,       \* The committed MANIFEST as the running process knows it.
    pc,          \* Where the checkpoint in progress is ("idle" when none).
    ckpt,        \* The checkpoint in progress: its snapshot, its MANIFEST, what it drops.
    up,          \* Whether the process runs.
    acked,       \* History: the epoch of the newest checkpoint that returned to the host.
    renamed,     \* History: the newest epoch whose rename was issued.
    lastCrash,   \* History: acked and renamed when the process last went down.
    recovered,   \* History: what the last recovery found.
    crashes,     \* History: how many crashes happened.
    checkpoints  \* History: how many checkpoints started.

vars == <<entries, durable, pending, data, synced, nextIno, segs, epoch, pc, ckpt, up, acked,
          renamed, lastCrash, recovered, crashes, checkpoints>>

NoCheckpoint == [snapId |-> 0, snapIno |-> 0, tmpIno |-> 0, manifest |-> NoManifest, drop |-> {}]
NoRecovery == [readable |-> TRUE, epoch |-> 0, complete |-> TRUE]

\* The entries after applying a sequence of entry changes to `dir`.
RECURSIVE Apply(_, _)
Apply(dir, ops) ==
    IF ops = << >> THEN dir
    ELSE LET o == Head(ops)
             next == CASE o.op = "create" -> [dir EXCEPT ![o.name] = o.ino]
                       [] o.op = "rename" -> [[dir EXCEPT ![o.from] = IF dir[o.from] = o.ino THEN 0 ELSE dir[o.from]]
                                              EXCEPT ![o.to] = o.ino]
                       [] o.op = "unlink" -> [dir EXCEPT ![o.name] = IF dir[o.name] = o.ino THEN 0 ELSE dir[o.name]]
         IN Apply(next, Tail(ops))

\* The subsequence of `s` at the indices in `keep`, in order.
Pick(s, keep) == [i \in 1 .. Cardinality(keep) |->
                    s[CHOOSE j \in keep : Cardinality({x \in keep : x <= j}) = i]]

-----------------------------------------------------------------------------

Init ==
    /\ entries = [n \in Names |-> IF n = Seg(1) THEN 1 ELSE 0]
    /\ durable = entries
    /\ pending = << >>
    /\ data = [i \in Inodes |-> IF i = 1 THEN SegData(1) ELSE Garbage]
    /\ synced = {1}
    /\ nextIno = 2
    /\ segs = 1
    /\ epoch = NoManifest
    /\ pc = "idle"
    /\ ckpt = NoCheckpoint
    /\ up = TRUE
    /\ acked = 0
    /\ renamed = 0
    /\ lastCrash = [acked |-> 0, renamed |-> 0]
    /\ recovered = NoRecovery
    /\ crashes = 0
    /\ checkpoints = 0

\* The writer seals the active segment and creates the next one: durable at once (Wal.tla).
Rotate ==
    /\ up /\ pc = "idle"
    /\ segs < MaxSegments
    /\ entries' = [entries EXCEPT ![Seg(segs + 1)] = nextIno]
    /\ durable' = [durable EXCEPT ![Seg(segs + 1)] = nextIno]
    /\ data' = [data EXCEPT ![nextIno] = SegData(segs + 1)]
    /\ synced' = synced \cup {nextIno}
    /\ nextIno' = nextIno + 1
    /\ segs' = segs + 1
    /\ UNCHANGED <<pending, epoch, pc, ckpt, up, acked, renamed, lastCrash, recovered, crashes, checkpoints>>

\* checkpoint(): the host's snapshot covers the sealed segments 1..k.  Step 1 creates the snapshot
\* file and writes it.  The new MANIFEST keeps RetainSnapshots snapshots and drops the segments at
\* or below the fence except the one before the active segment (truncateUpTo's rule).
StartCheckpoint ==
    /\ up /\ pc = "idle"
    /\ checkpoints < MaxCheckpoints
    /\ segs >= 2
    /\ \E k \in epoch.upTo .. (segs - 1) :
          LET id == checkpoints + 1
              first == IF k + 1 < segs - 1 THEN k + 1 ELSE segs - 1
              old == (epoch.retained \cup {epoch.live}) \ {0}
              kept == {i \in old : Cardinality({x \in old : x > i}) < RetainSnapshots - 1}
              m == ManifestData(epoch.epoch + 1, id, k, first, kept)
          IN /\ entries' = [entries EXCEPT ![Snap(id)] = nextIno]
             /\ pending' = Append(pending, CreateOp(Snap(id), nextIno))
             /\ data' = [data EXCEPT ![nextIno] = SnapData(k)]
             /\ ckpt' = [snapId |-> id, snapIno |-> nextIno, tmpIno |-> 0, manifest |-> m,
                         drop |-> {Snap(i) : i \in old \ kept} \cup {Seg(j) : j \in epoch.first .. (first - 1)}]
    /\ nextIno' = nextIno + 1
    /\ checkpoints' = checkpoints + 1
    /\ pc' = "syncSnap"
    /\ UNCHANGED <<durable, synced, segs, epoch, up, acked, renamed, lastCrash, recovered, crashes>>

\* fsync the snapshot file (the planted bug UnsyncedSnapshot skips it).
SyncSnapshot ==
    /\ up /\ pc = "syncSnap"
    /\ synced' = IF UnsyncedSnapshot THEN synced ELSE synced \cup {ckpt.snapIno}
    /\ pc' = "writeTmp"
    /\ UNCHANGED <<entries, durable, pending, data, nextIno, segs, epoch, ckpt, up, acked, renamed,
                   lastCrash, recovered, crashes, checkpoints>>

\* Create MANIFEST.tmp holding the new MANIFEST.
WriteTemp ==
    /\ up /\ pc = "writeTmp"
    /\ entries' = [entries EXCEPT ![TempName] = nextIno]
    /\ pending' = Append(pending, CreateOp(TempName, nextIno))
    /\ data' = [data EXCEPT ![nextIno] = ckpt.manifest]
    /\ ckpt' = [ckpt EXCEPT !.tmpIno = nextIno]
    /\ nextIno' = nextIno + 1
    /\ pc' = "syncTmp"
    /\ UNCHANGED <<durable, synced, segs, epoch, up, acked, renamed, lastCrash, recovered, crashes, checkpoints>>

\* fsync MANIFEST.tmp.
SyncTemp ==
    /\ up /\ pc = "syncTmp"
    /\ synced' = synced \cup {ckpt.tmpIno}
    /\ pc' = "dirSync1"
    /\ UNCHANGED <<entries, durable, pending, data, nextIno, segs, epoch, ckpt, up, acked, renamed,
                   lastCrash, recovered, crashes, checkpoints>>

\* A directory fsync: every pending entry change becomes durable.
DirSync(next) ==
    /\ durable' = Apply(durable, pending)
    /\ pending' = << >>
    /\ pc' = next

\* fsync the directory: the snapshot's and the temp file's entries are durable.
DirSyncBeforeRename ==
    /\ up /\ pc = "dirSync1"
    /\ DirSync(IF DeleteBeforeCommit THEN "removeEarly" ELSE "rename")
    /\ UNCHANGED <<entries, data, synced, nextIno, segs, epoch, ckpt, up, acked, renamed, lastCrash,
                   recovered, crashes, checkpoints>>

\* Remove every file in `drop`: one unlink each, in a fixed order.
RECURSIVE UnlinkSeq(_, _)
UnlinkSeq(dir, names) ==
    IF names = {} THEN << >>
    ELSE LET n == CHOOSE x \in names : TRUE
         IN (IF dir[n] = 0 THEN << >> ELSE << UnlinkOp(n, dir[n]) >>) \o UnlinkSeq(dir, names \ {n})

RemoveDropped(next) ==
    /\ pending' = pending \o UnlinkSeq(entries, ckpt.drop)
    /\ entries' = [n \in Names |-> IF n \in ckpt.drop THEN 0 ELSE entries[n]]
    /\ pc' = next

\* The planted bug DeleteBeforeCommit: the removals come before the rename.
RemoveEarly ==
    /\ up /\ pc = "removeEarly"
    /\ RemoveDropped("rename")
    /\ UNCHANGED <<durable, data, synced, nextIno, segs, epoch, ckpt, up, acked, renamed, lastCrash,
                   recovered, crashes, checkpoints>>

\* rename MANIFEST.tmp MANIFEST.
Rename ==
    /\ up /\ pc = "rename"
    /\ entries' = [entries EXCEPT ![ManifestName] = ckpt.tmpIno, ![TempName] = 0]
    /\ pending' = Append(pending, RenameOp(TempName, ManifestName, ckpt.tmpIno))
    /\ renamed' = ckpt.manifest.epoch
    /\ pc' = IF NoDirFsyncAfterRename THEN "remove" ELSE "dirSync2"
    /\ UNCHANGED <<durable, data, synced, nextIno, segs, epoch, ckpt, up, acked, lastCrash, recovered,
                   crashes, checkpoints>>

\* fsync the directory after the rename: THE COMMIT POINT.
CommitPoint ==
    /\ up /\ pc = "dirSync2"
    /\ DirSync("remove")
    /\ UNCHANGED <<entries, data, synced, nextIno, segs, epoch, ckpt, up, acked, renamed, lastCrash,
                   recovered, crashes, checkpoints>>

\* The checkpoint returns to the host: the process's epoch moves on.
Finish ==
    /\ epoch' = ckpt.manifest
    /\ acked' = ckpt.manifest.epoch
    /\ ckpt' = NoCheckpoint

\* Remove what the new MANIFEST drops (nothing is left to remove under DeleteBeforeCommit); the
\* removals wait for a directory fsync.  With nothing to remove the checkpoint returns at once.
Remove ==
    /\ up /\ pc = "remove"
    /\ IF UnlinkSeq(entries, ckpt.drop) = << >>
       THEN /\ Finish
            /\ pc' = "idle"
            /\ UNCHANGED <<entries, pending>>
       ELSE /\ RemoveDropped("dirSync3")
            /\ UNCHANGED <<epoch, acked, ckpt>>
    /\ UNCHANGED <<durable, data, synced, nextIno, segs, up, renamed, lastCrash, recovered, crashes, checkpoints>>

\* fsync the directory after the removals; the checkpoint returns.
FinishRemovals ==
    /\ up /\ pc = "dirSync3"
    /\ DirSync("idle")
    /\ Finish
    /\ UNCHANGED <<entries, data, synced, nextIno, segs, up, renamed, lastCrash, recovered, crashes, checkpoints>>

\* The power fails: any subset of the pending entry changes persists (in issue order), and every
\* unsynced file comes back whole or as garbage.  The process's memory is gone.
Crash ==
    /\ up
    /\ crashes < MaxCrashes
    /\ \E keep \in SUBSET (1 .. Len(pending)), lost \in SUBSET ((1 .. (nextIno - 1)) \ synced) :
          /\ durable' = Apply(durable, Pick(pending, keep))
          /\ entries' = durable'
          /\ data' = [i \in Inodes |-> IF i \in lost THEN Garbage ELSE data[i]]
    /\ synced' = Inodes
    /\ pending' = << >>
    /\ pc' = "idle"
    /\ ckpt' = NoCheckpoint
    /\ up' = FALSE
    /\ lastCrash' = [acked |-> acked, renamed |-> renamed]
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<nextIno, segs, epoch, acked, renamed, recovered, checkpoints>>

\* What open() finds: the MANIFEST on disk (or none), whether it reads, and whether its epoch is
\* complete: the live snapshot it names holds that epoch's bytes, and every segment above its
\* fence is there.
ManifestOnDisk == IF entries[ManifestName] = 0 THEN NoManifest ELSE data[entries[ManifestName]]
Readable(m) == m.kind = "manifest"
Complete(m) ==
    /\ m.live # 0 => (entries[Snap(m.live)] # 0 /\ data[entries[Snap(m.live)]] = SnapData(m.upTo))
    /\ \A j \in (m.upTo + 1) .. segs : entries[Seg(j)] # 0

\* openWal: read the MANIFEST, then remove the leftovers (the temp file, snapshots it does not
\* name, segments below its first one), durably, before anything else.
Recover ==
    /\ ~up
    /\ LET m == ManifestOnDisk
           named == IF Readable(m) THEN m.retained \cup {m.live} ELSE {}
           leftover == {TempName} \cup {Snap(i) : i \in (1 .. MaxCheckpoints) \ named}
                       \cup (IF Readable(m) THEN {Seg(j) : j \in 1 .. (m.first - 1)} ELSE {})
       IN /\ recovered' = [readable |-> Readable(m),
                           epoch |-> IF Readable(m) THEN m.epoch ELSE 0,
                           complete |-> Readable(m) /\ Complete(m)]
          /\ epoch' = IF Readable(m) THEN m ELSE NoManifest
          /\ entries' = [n \in Names |-> IF Readable(m) /\ n \in leftover THEN 0 ELSE entries[n]]
          /\ durable' = entries'
    /\ up' = TRUE
    /\ UNCHANGED <<pending, data, synced, nextIno, segs, pc, ckpt, acked, renamed, lastCrash, crashes,
                   checkpoints>>

Next ==
    \/ Rotate
    \/ StartCheckpoint
    \/ SyncSnapshot
    \/ WriteTemp
    \/ SyncTemp
    \/ DirSyncBeforeRename
    \/ RemoveEarly
    \/ Rename
    \/ CommitPoint
    \/ Remove
    \/ FinishRemovals
    \/ Crash
    \/ Recover

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------

TypeOK ==
    /\ entries \in [Names -> 0 .. (MaxSegments + 2 * MaxCheckpoints)]
    /\ durable \in [Names -> 0 .. (MaxSegments + 2 * MaxCheckpoints)]
    /\ synced \subseteq Inodes
    /\ segs \in 1 .. MaxSegments
    /\ pc \in {"idle", "syncSnap", "writeTmp", "syncTmp", "dirSync1", "removeEarly", "rename", "dirSync2", "remove", "dirSync3"}
    /\ up \in BOOLEAN
    /\ acked \in 0 .. MaxCheckpoints
    /\ renamed \in 0 .. MaxCheckpoints
    /\ crashes \in 0 .. MaxCrashes
    /\ checkpoints \in 0 .. MaxCheckpoints

\* Recovery after a crash sees exactly one epoch, whole: the MANIFEST that survived reads, it is
\* one that was renamed in (or none), its live snapshot holds the bytes of that epoch and every
\* segment above its fence is on disk.  Never the old MANIFEST with files the new one dropped, and
\* never a MANIFEST that names a snapshot whose data did not reach the disk.
OneEpochInv ==
    (up /\ crashes > 0) => (recovered.readable /\ recovered.complete /\ recovered.epoch <= lastCrash.renamed)

\* An epoch whose checkpoint returned to the host is never lost: recovery finds it or a newer one.
EpochDurabilityInv ==
    (up /\ crashes > 0) => recovered.epoch >= lastCrash.acked

THEOREM Spec => [](TypeOK /\ OneEpochInv /\ EpochDurabilityInv)
=============================================================================
