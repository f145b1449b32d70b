/**
 * A CPU-bound handler for capacity sweeps: real work (chained SHA-256) rather than a timed spin, so
 * a slower or busier machine shows up as a lower knee, as it would for a real service.
 */
import { createHash } from 'node:crypto';

/** Chains `rounds` SHA-256 digests starting from `seed`; returns the last digest so the work cannot be skipped. */
export function burnCpu(rounds: number, seed: Buffer): Buffer {
  let digest = seed;
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest();
  return digest;
}
