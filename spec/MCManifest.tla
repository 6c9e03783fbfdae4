----------------------------- MODULE MCManifest -----------------------------
(***************************************************************************)
(* The model TLC checks: Manifest with small bounds, set in the .cfg       *)
(* files.  MCManifest.cfg checks the protocol as src/core/checkpoint.ts    *)
(* runs it and must pass; MCManifestDeleteBeforeCommit.cfg,                *)
(* MCManifestNoDirFsync.cfg and MCManifestUnsyncedSnapshot.cfg each plant  *)
(* one bug and must fail (spec/README.md walks through the                 *)
(* counterexamples).                                                       *)
(***************************************************************************)
EXTENDS Manifest
=============================================================================
