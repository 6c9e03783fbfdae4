------------------------------- MODULE MCWal -------------------------------
(***************************************************************************)
(* The model TLC checks: Wal with small bounds, set in the .cfg files.     *)
(* MCWal.cfg checks the correct protocol under per-commit, MCWalGroup.cfg  *)
(* under group with the liveness property; MCWalAckBeforeFsync.cfg turns  *)
(* on the planted bug and must fail with a counterexample (spec/README.md  *)
(* explains it), and MCWalNoFlusher.cfg shows the liveness property can   *)
(* fail.                                                                   *)
(***************************************************************************)
EXTENDS Wal

\* Two events are enough to tell transactions apart by their contents.
MCEvents == {"a", "b"}
=============================================================================
