// The phases of the replay machine (replay-machine.ts), and of the policy machine that extends it
// (replay-policy-machine.ts) with two of its own.

export type ReplayPhase =
  | 'between-segments' // before the first segment or after one ended cleanly
  | 'header' // collecting the first bytes of a segment, up to its header's size
  | 'frames' // reading live frames
  | 'scanning' // at the end of the live frames (the torn field): scanning the rest of the segment
  | 'stopped' // the sweep ended at a torn spot; the log has nothing more to give
  | 'resync' // skip-corrupted: skipping damaged bytes up to the next whole frame
  | 'cut' // point-in-time: the log was cut; the rest is read only to count its LSNs
  | 'finished'
  | 'failed';
