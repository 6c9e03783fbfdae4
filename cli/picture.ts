// The terminal picture of one crash state: every segment file drawn as a row of cells, one cell per
// `bytesPerCell` bytes, coloured by what the crash did to those bytes (crash-sim/file-crash.ts
// classifies each byte against the page cache the writer left behind):
//   durable  the byte on disk is the byte the writer wrote;
//   lost     the write that carried it never reached the disk (none of its sectors did);
//   torn     the write that carried it reached the disk only in part (other sectors of it did);
//   garbage  the file grew over data that never arrived, and the hole reads as zeros or garbage.
// Under the cells, every frame the writer wrote is listed with its fate, so a reader can see which
// records a crash at this moment keeps. With colour off (not a TTY, or NO_COLOR) the cells are
// plain ASCII characters, so the picture survives pipes, logs and copy-paste.

import type { WalRecord } from '../src/core/records.js';
import { ByteClass, BYTE_CLASS_NAMES, type ByteClassName } from '../crash-sim/file-crash.js';
import { describeRecord } from './format-record.js';
import { wholeFrames } from './walk-frames.js';

export interface PictureStyle {
  readonly color: boolean;
  readonly bytesPerCell: number;
  readonly cellsPerRow: number;
}

/** The parts of a crash-sim CrashFile the picture needs. */
export interface PicturedFile {
  readonly path: string;
  /** The bytes the crash left on disk. */
  readonly bytes: Uint8Array;
  /** What the writer had written (the page cache) just before the crash. */
  readonly cacheBytes: Uint8Array;
  /** One ByteClass code per byte over max(bytes, cacheBytes). */
  readonly classes: Uint8Array;
}

/** A cell shows its least healthy byte, in this order, so a single torn byte is never hidden. */
const SEVERITY: readonly ByteClassName[] = ['torn', 'garbage', 'lost', 'durable'];

const GLYPHS: Record<ByteClassName, { readonly plain: string; readonly block: string; readonly ansi: string }> = {
  durable: { plain: '#', block: '█', ansi: '\u001b[32m' },
  lost: { plain: '.', block: '░', ansi: '\u001b[90m' },
  torn: { plain: '~', block: '▓', ansi: '\u001b[33m' },
  garbage: { plain: '?', block: '▒', ansi: '\u001b[31m' },
};
const RESET = '\u001b[0m';

const MEANING: Record<ByteClassName, string> = {
  durable: 'on disk as written',
  lost: 'its write never reached the disk',
  torn: 'its write reached the disk only in part',
  garbage: 'the file grew over zeros or garbage',
};

/**
 * Colour only on a terminal and only when the reader did not opt out: https://no-color.org asks
 * for no colour whenever NO_COLOR is set to a non-empty value. The cell size is the smallest power
 * of two (at least 4 bytes) that fits the largest file into one row of at most 64 cells.
 */
export function pictureStyleFor(env: Readonly<Record<string, string | undefined>>, isTty: boolean, largestFileBytes = 0): PictureStyle {
  const noColor = (env['NO_COLOR'] ?? '') !== '';
  const cellsPerRow = 64;
  let bytesPerCell = 4;
  while (bytesPerCell < 1 << 20 && largestFileBytes > bytesPerCell * cellsPerRow) bytesPerCell *= 2;
  return { color: isTty && !noColor, bytesPerCell, cellsPerRow };
}

export function classNameOf(code: number): ByteClassName {
  return BYTE_CLASS_NAMES[code] ?? 'lost';
}

/** The class a cell shows: the most severe class among its bytes. */
export function cellClass(classes: Uint8Array, startBytes: number, endBytes: number): ByteClassName {
  let worst = SEVERITY.length - 1;
  for (let at = startBytes; at < endBytes && at < classes.length; at++) {
    const rank = SEVERITY.indexOf(classNameOf(classes[at] ?? ByteClass.lost));
    if (rank < worst) worst = rank;
  }
  return SEVERITY[worst] ?? 'durable';
}

function glyph(name: ByteClassName, style: PictureStyle): string {
  const g = GLYPHS[name];
  return style.color ? `${g.ansi}${g.block}${RESET}` : g.plain;
}

/** Lines explaining every glyph, and the cell size. */
export function legend(style: PictureStyle): string[] {
  const item = (name: ByteClassName): string => `${glyph(name, style)} ${name}: ${MEANING[name]}`;
  const width = Math.max(...BYTE_CLASS_NAMES.map((name) => `x ${name}: ${MEANING[name]}`.length));
  const pad = (name: ByteClassName): string => item(name) + ' '.repeat(width - `x ${name}: ${MEANING[name]}`.length);
  return [
    `${pad('durable')}   ${item('torn')}`,
    `${pad('lost')}   ${item('garbage')}`,
    `one cell = ${style.bytesPerCell} bytes; a cell shows its least healthy byte`,
  ];
}

/** Byte counts per class, e.g. "448 durable, 62 lost". */
export function classCounts(classes: Uint8Array): string {
  const counts = new Map<ByteClassName, number>();
  for (const code of classes) {
    const name = classNameOf(code);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return BYTE_CLASS_NAMES.filter((name) => counts.has(name))
    .map((name) => `${counts.get(name) ?? 0} ${name}`)
    .join(', ');
}

/** What happened to one frame the writer wrote. */
export interface FrameFate {
  readonly offsetBytes: number;
  readonly frameBytes: number;
  readonly record: WalRecord;
  readonly fate: 'on disk' | 'partly' | 'missing';
}

/**
 * The frames in the page-cache bytes (what the writer wrote) with the fate of their bytes. The
 * page cache always holds whole frames, so the walk stops only at its end.
 */
export function frameFates(file: PicturedFile): FrameFate[] {
  return wholeFrames(file.cacheBytes).map(({ offsetBytes, frameBytes, record }) => {
    let durable = 0;
    for (let at = offsetBytes; at < offsetBytes + frameBytes; at++) if (file.classes[at] === ByteClass.durable) durable++;
    const fate = durable === frameBytes ? 'on disk' : durable === 0 ? 'missing' : 'partly';
    return { offsetBytes, frameBytes, record, fate };
  });
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The picture of one file: a title line, rows of cells with their starting offset, the frames. */
export function drawFile(file: PicturedFile, style: PictureStyle): string[] {
  const lines = [`${baseName(file.path)}: ${file.bytes.length} bytes on disk, the writer had written ${file.cacheBytes.length} (${classCounts(file.classes) || 'empty'})`];
  const span = file.classes.length;
  const rowBytes = style.bytesPerCell * style.cellsPerRow;
  for (let rowStart = 0; rowStart < span; rowStart += rowBytes) {
    let row = '';
    for (let cellStart = rowStart; cellStart < Math.min(span, rowStart + rowBytes); cellStart += style.bytesPerCell) {
      row += glyph(cellClass(file.classes, cellStart, cellStart + style.bytesPerCell), style);
    }
    lines.push(`  ${String(rowStart).padStart(6)}  ${row}`);
  }
  for (const frame of frameFates(file)) {
    lines.push(
      `    offset ${String(frame.offsetBytes).padStart(5)}  LSN ${String(frame.record.lsn).padStart(3)}  ` +
        `${frame.fate.padEnd(7)}  ${describeRecord(frame.record)}`,
    );
  }
  return lines;
}

/** Every file of a crash state, in path order, separated by blank lines. */
export function drawFiles(files: readonly PicturedFile[], style: PictureStyle): string[] {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.flatMap((file, i) => (i === 0 ? drawFile(file, style) : ['', ...drawFile(file, style)]));
}
