// The model the file-content suites compare FileContent with: a plain byte array under the same
// writes and resizes, as a file on a real file system behaves. A write of no byte changes nothing,
// not even the size, as write(2) of nothing does.

export type FileStep = { readonly kind: 'write'; readonly at: number; readonly length: number } | { readonly kind: 'resize'; readonly size: number };

/** The bytes `initial` holds after `steps`; a write's bytes are `dataOf(step)`. */
export function plainFileAfter<S extends FileStep>(initial: Uint8Array, steps: readonly S[], dataOf: (step: Extract<S, { kind: 'write' }>) => Uint8Array): Uint8Array {
  let bytes = initial.slice();
  for (const s of steps) {
    if (s.kind === 'write' && s.length === 0) continue;
    const size = s.kind === 'write' ? Math.max(bytes.length, s.at + s.length) : (s as Extract<FileStep, { kind: 'resize' }>).size;
    const next = new Uint8Array(size);
    next.set(bytes.subarray(0, Math.min(size, bytes.length)));
    if (s.kind === 'write') next.set(dataOf(s as Extract<S, { kind: 'write' }>), s.at);
    bytes = next;
  }
  return bytes;
}
