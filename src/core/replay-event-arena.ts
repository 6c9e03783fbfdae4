// Copies of events for the streaming replay. Copying each event with slice() would allocate one
// ArrayBuffer per event, which costs V8 several hundred nanoseconds; instead small events are
// copied side by side into shared slabs and handed out as views. A slab lives as long as any
// event in it is referenced, so a host that keeps a few events for long should copy them itself.

/** Slab size: small enough that a kept event pins little, large enough to amortise allocation. */
const SLAB_BYTES = 32 * 1024;
/** Events above this size get a buffer of their own. */
const OWN_BUFFER_ABOVE_BYTES = SLAB_BYTES / 4;

export class ReplayEventArena {
  private slab = new Uint8Array(0);
  private usedBytes = 0;

  /** A copy of `event` that no longer shares memory with the buffer it came from. */
  copy(event: Uint8Array): Uint8Array {
    const length = event.length;
    if (length > OWN_BUFFER_ABOVE_BYTES) return event.slice();
    if (this.usedBytes + length > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.usedBytes = 0;
    }
    const start = this.usedBytes;
    this.slab.set(event, start);
    this.usedBytes = start + length;
    return this.slab.subarray(start, start + length);
  }
}
