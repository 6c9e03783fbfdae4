// The size of the crash spaces in a summary line. crash-sim sums the spaces with a cap at 2^53 - 1
// (a program that writes to many files without syncing has spaces far beyond any number of
// checks), and a capped sum printed as 9007199254740991 would read as an exact count.

/** `n` as a count of crash-space points, or "2^53 or more" when the sum was capped. */
export function spaceTotalText(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? '2^53 or more' : String(n);
}
