// Deep equality (toEqual) for the values whose fields are private: an OpenBegins (the writer's
// open transactions, src/core/open-begins.ts) equals another with the same members, whatever store
// each shares with other values. Without this, toEqual on two writer states would compare only
// the sets' sizes.
import { expect } from 'vitest';
import { OpenBegins } from '../../src/core/open-begins.js';

expect.addEqualityTesters([
  (a: unknown, b: unknown): boolean | undefined => {
    if (!(a instanceof OpenBegins) && !(b instanceof OpenBegins)) return undefined;
    return a instanceof OpenBegins && b instanceof OpenBegins && JSON.stringify(a.toArray()) === JSON.stringify(b.toArray());
  },
]);
