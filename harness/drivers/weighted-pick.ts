/** Picks an index in proportion to its weight, from a uniform number in [0, 1): the request mix's choice. */
export class WeightedPick {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    if (weights.length === 0 || weights.some((w) => !(w > 0) || !Number.isFinite(w))) throw new RangeError('weights must be positive and finite');
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  /** The index whose share of the weights `u` falls in. */
  pick(u: number): number {
    const x = u * this.total;
    const c = this.cumulative;
    // Mixes are a handful of entries: a linear scan beats a binary search here.
    for (let i = 0; i < c.length - 1; i++) if (x < c[i]!) return i;
    return c.length - 1;
  }
}
