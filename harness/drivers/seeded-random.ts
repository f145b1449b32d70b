/**
 * Reproducible randomness for scenarios: template values (randInt, randString, uuid), request-mix
 * picks and think time. Each iteration gets its own small generator seeded from the run's seed and
 * the iteration number, so iteration 1234 makes the same choices in every run with the same seed,
 * whatever order iterations happen to finish in. Not for secrets: mulberry32 is fast, not secure.
 */

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer (mulberry32). */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `length` letters and digits. */
  string(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHANUMERIC[Math.floor(this.next() * ALPHANUMERIC.length)];
    return s;
  }

  /** A version-4 UUID made from this generator (reproducible, unlike crypto.randomUUID). */
  uuid(): string {
    let s = '';
    for (let i = 0; i < 32; i++) {
      let nibble = this.uint32() & 15;
      if (i === 12) nibble = 4;
      else if (i === 16) nibble = 8 | (nibble & 3);
      s += HEX[nibble];
      if (i === 7 || i === 11 || i === 15 || i === 19) s += '-';
    }
    return s;
  }
}

/** A 32-bit seed from a run seed and names (workload, shard): FNV-1a over the text, then mixed. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h ^ Math.floor(seed / 4294967296));
}

/** The generator of one iteration: the same `base` and `iteration` always give the same values. */
export function iterationRandom(base: number, iteration: number): SeededRandom {
  return new SeededRandom(mix32((base ^ Math.imul(iteration >>> 0, 0x9e3779b1)) + Math.floor(iteration / 4294967296)));
}

/** murmur3's finaliser: neighbouring inputs give unrelated outputs. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
