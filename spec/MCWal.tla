------------------------------- MODULE MCWal -------------------------------
(***************************************************************************)
(* The model TLC checks: Wal with small bounds.  MCWal.cfg checks the     *)
(* correct protocol under per-commit, MCWalGroup.cfg under group with the *)
(* liveness property, and MCWalAckBeforeFsync.cfg turns on the planted    *)
(* bug and must fail with a counterexample (spec/README.md explains it).  *)
(***************************************************************************)
EXTENDS Wal

\* Two events are enough to tell transactions apart by their contents.
MCEvents == {"a", "b"}

\* Keep the model finite and small: the state space grows with every bound.
MCConstraint == TRUE
=============================================================================
