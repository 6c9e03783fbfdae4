// Mutations of a log's bytes, as a crash or a bad disk might make them, for replay properties.
import fc from 'fast-check';
import type { SegmentInput } from './log-builder.js';

/** A mutation of a log's bytes, as a crash or a bad disk might make it. */
export type Mutation =
  | { readonly op: 'flip'; readonly segment: number; readonly at: number; readonly bit: number }
  | { readonly op: 'truncate'; readonly segment: number; readonly at: number }
  | { readonly op: 'zero'; readonly segment: number; readonly at: number; readonly length: number }
  | { readonly op: 'garbage'; readonly segment: number; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'append'; readonly segment: number; readonly bytes: Uint8Array }
  | { readonly op: 'drop'; readonly segment: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), segment: fc.nat(), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('truncate' as const), segment: fc.nat(), at: fc.nat() }),
  fc.record({ op: fc.constant('zero' as const), segment: fc.nat(), at: fc.nat(), length: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ op: fc.constant('garbage' as const), segment: fc.nat(), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ op: fc.constant('append' as const), segment: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }) }),
  fc.record({ op: fc.constant('drop' as const), segment: fc.nat() }),
);

export function mutate(segments: readonly SegmentInput[], mutation: Mutation): SegmentInput[] {
  if (segments.length === 0) return [];
  const index = mutation.segment % segments.length;
  const target = segments[index]!;
  const bytes = target.bytes.slice();
  const at = bytes.length === 0 ? 0 : ('at' in mutation ? mutation.at : 0) % bytes.length;
  let changed: Uint8Array = bytes;
  switch (mutation.op) {
    case 'flip':
      if (bytes.length > 0) bytes[at]! ^= 1 << mutation.bit;
      break;
    case 'truncate':
      changed = bytes.subarray(0, at);
      break;
    case 'zero':
      bytes.fill(0, at, at + mutation.length);
      break;
    case 'garbage':
      bytes.set(mutation.bytes.subarray(0, Math.max(0, bytes.length - at)), at);
      break;
    case 'append': {
      changed = new Uint8Array(bytes.length + mutation.bytes.length);
      changed.set(bytes);
      changed.set(mutation.bytes, bytes.length);
      break;
    }
    case 'drop':
      return segments.filter((_, i) => i !== index);
  }
  return segments.map((s, i) => (i === index ? { ...s, bytes: changed } : s));
}
