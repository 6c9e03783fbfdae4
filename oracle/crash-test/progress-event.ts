// What crash-test reports while it works, phase by phase, as counts (the CLI turns them into a
// live line or a line every few seconds, with rates and time left; cli/progress.ts):
//   capture: system calls read from the trace so far (while the workload runs), and the ops they made;
//   plan:    crash points sized so far, and the crash-space points they hold together;
//   check:   crash states taken from the plan (`done`) of at most `total`, and how many were checked
//            (the rest repeat an image already checked).

export type CrashTestEvent =
  | { readonly phase: 'capture'; readonly calls: number; readonly ops: number }
  | { readonly phase: 'plan'; readonly crashPoints: number; readonly spaceTotal: number }
  | { readonly phase: 'check'; readonly done: number; readonly total: number; readonly checked: number };
