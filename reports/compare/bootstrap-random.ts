/**
 * The bootstrap's random numbers: mulberry32 from a seed, so a comparison gives the same interval
 * every time it is computed from the same results (a gate that flips on re-run is worse than none).
 * A copy of the harness's generator: reports/ must not import harness/.
 */
export class BootstrapRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
