// One line per recorded operation, for counterexamples and reports: `write /wal/x @32 76/76 bytes`.

import { match } from 'ts-pattern';
import type { SimOp } from './sim-state.js';

export function describeOp(op: SimOp): string {
  return match(op)
    .with({ kind: 'mark' }, (o) => `mark ${o.label}`)
    .with({ kind: 'crash' }, (o) => `crash: the disk becomes one crash state (${o.files.length} files)`)
    .with({ kind: 'mkdir' }, (o) => `mkdir ${o.path}`)
    .with({ kind: 'create' }, (o) => `create ${o.path}`)
    .with({ kind: 'write' }, (o) => `write ${o.path} @${o.offsetBytes} ${o.writtenBytes}/${o.data.length} bytes${o.errno === null ? '' : ` then ${o.errno}`}`)
    .with({ kind: 'truncate' }, (o) => `truncate ${o.path} to ${o.sizeBytes}`)
    .with({ kind: 'fallocate' }, (o) => `fallocate ${o.path} @${o.offsetBytes}+${o.lengthBytes}${o.keepSize ? ' keeping its size' : ''}`)
    .with({ kind: 'fsync' }, (o) => `fsync ${o.path}${o.errno === null ? '' : ` -> ${o.errno}`}`)
    .with({ kind: 'fsyncDir' }, (o) => `fsyncDir ${o.path}${o.errno === null ? '' : ` -> ${o.errno}`}`)
    .with({ kind: 'rename' }, (o) => `rename ${o.from} -> ${o.to}`)
    .with({ kind: 'renameDir' }, (o) => `rename directory ${o.from} -> ${o.to}`)
    .with({ kind: 'unlink' }, (o) => `unlink ${o.path}`)
    .with({ kind: 'link' }, (o) => `link ${o.from} -> ${o.to}`)
    .with({ kind: 'rmdir' }, (o) => `rmdir ${o.path}`)
    // Stryker disable next-line ObjectLiteral: the last arm: every other kind was matched above, so a pattern matching anything takes only syncAll here too.
    .with({ kind: 'syncAll' }, (o) => `sync everything${o.errno === null ? '' : ` -> ${o.errno}`}`)
    .exhaustive();
}
