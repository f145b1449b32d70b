/**
 * VU slot numbers for the open model, taken and given back in O(1): a stack of free slots.
 * Slots beyond the pre-allocated ones are created on first need, up to the maximum; creating
 * one costs nothing here, unlike a k6 VU, so no arrival is dropped while one is made.
 */
export class VUSlots {
  private readonly free: Int32Array;
  private top = 0;
  private created: number;
  private used = 0;

  constructor(preAllocated: number, readonly max: number) {
    this.free = new Int32Array(max);
    this.created = Math.min(preAllocated, max);
    // Pushed in reverse so slot 0 is handed out first.
    for (let s = this.created - 1; s >= 0; s--) this.free[this.top++] = s;
  }

  /** A free slot, or -1 when all `max` are busy. */
  take(): number {
    if (this.top > 0) {
      this.used++;
      return this.free[--this.top]!;
    }
    if (this.created < this.max) {
      this.used++;
      return this.created++;
    }
    return -1;
  }

  /** Returns a slot taken earlier. */
  give(slot: number): void {
    this.used--;
    this.free[this.top++] = slot;
  }

  /** slots taken and not yet given back */
  get inUse(): number {
    return this.used;
  }
}
