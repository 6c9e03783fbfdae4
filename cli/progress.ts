// A one-line progress bar for long CLI work. Callers write it to stderr with a leading "\r" and only
// when stderr is a terminal, so pipes and logs never see it.

const WIDTH = 24;

/** "[##########--------------] 2/4 label", the bar proportional to done / total. */
export function progressBar(done: number, total: number, label: string): string {
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${label}`.padEnd(80);
}
