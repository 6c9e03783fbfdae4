------------------------------ MODULE MCRecycle ------------------------------
(***************************************************************************)
(* The model TLC checks of Recycle: small bounds, set in the .cfg files.   *)
(* MCRecycle.cfg checks the salted protocol; MCRecycleNoSalt.cfg plants a  *)
(* replay that ignores the salt and must fail StaleNeverReplayedInv.       *)
(***************************************************************************)
EXTENDS Recycle
=============================================================================
