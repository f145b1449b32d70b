/**
 * A worker thread's part of a workload spread over several threads (k6's execution segment, in
 * its striped form): item j of the workload (the j-th arrival, the j-th VU, the j-th connection)
 * belongs to the thread whose `index` equals j mod `count`. Striping, rather than cutting the
 * workload into contiguous blocks, keeps every thread's share spread evenly over the whole run,
 * and the threads together reproduce the single-thread workload item for item.
 */
export interface Segment {
  /** this thread's stripe, 0-based */
  readonly index: number;
  /** how many stripes the workload is cut into */
  readonly count: number;
}

/** The whole workload: one thread, one stripe. */
export const WHOLE: Segment = { index: 0, count: 1 };

/** Cuts `segment` again into `count` stripes and returns stripe `index` of it (nested sharding stays exact). */
export function subSegment(segment: Segment | undefined, index: number, count: number): Segment {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`shard index must be an integer in [0, ${count}), got ${index}`);
  const outer = segment ?? WHOLE;
  return { index: outer.index + outer.count * index, count: outer.count * count };
}

/** How many of the items 0..total-1 fall into `segment`'s stripe. */
export function stripeShare(total: number, segment: Segment | undefined): number {
  const s = segment ?? WHOLE;
  return total <= s.index ? 0 : Math.ceil((total - s.index) / s.count);
}

/** `n` divided between `count` threads and rounded up: a capacity every thread needs on its own. */
export function ceilShare(n: number, count: number): number {
  return Math.ceil(n / count);
}
