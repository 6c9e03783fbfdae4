// One file of a crash state (crash-states.ts): its image, what survived of it, shared with the
// durable base and the initial image, and the page cache before the crash. Bytes and byte classes
// are made only when asked for (explore and the pictures ask, on small files; crash-test writes
// the content's extents and asks for neither).

import type { ByteRun } from './byte-runs.js';
import type { FileContent } from './file-content.js';
import type { ByteClassCode, FileCrashImage, PieceReport, SizeMode } from './file-image.js';

/** One file of a crash state: its image (what survived), and the page cache before the crash. */
export class CrashFile {
  readonly path: string;
  readonly inode: number;
  readonly #image: FileCrashImage;
  /** The page cache before the crash: what the writer had written. */
  readonly cacheContent: FileContent;

  constructor(image: FileCrashImage, path: string, inode: number, cacheContent: FileContent) {
    this.#image = image;
    this.path = path;
    this.inode = inode;
    this.cacheContent = cacheContent;
  }

  /** The file after the crash. */
  get content(): FileContent {
    return this.#image.content;
  }

  get sizeMode(): SizeMode {
    return this.#image.sizeMode;
  }

  /** All its bytes after the crash (a copy): for small files. */
  get bytes(): Uint8Array {
    return this.#image.bytes;
  }

  /** The page-cache bytes before the crash (a copy): for small files. */
  get cacheBytes(): Uint8Array {
    return this.cacheContent.toBytes();
  }

  /** One ByteClass code per byte over max(image size, page-cache size): for small files. */
  get classes(): Uint8Array {
    return this.#image.classes;
  }

  /** The byte classes as runs. */
  classRuns(): readonly ByteRun<ByteClassCode>[] {
    return this.#image.classRuns();
  }

  get pieces(): readonly PieceReport[] {
    return this.#image.pieces;
  }

  /** The same image, judged against another page cache and inode (a crash during a recovery, seen against the first crash's writer). */
  against(cacheContent: FileContent, inode: number): CrashFile {
    return new CrashFile(this.#image, this.path, inode, cacheContent);
  }
}
