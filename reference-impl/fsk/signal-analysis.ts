/**
 * Two measurements on 48 kHz mono samples that ggwave does not report and the decoder needs to
 * name the protocol: where the transmission starts and ends (its length in frames), and which
 * frequency band it uses (its family).
 */
import { SAMPLES_PER_FRAME, type ProtocolFamily } from './protocols.ts';

export interface SignalExtent {
  start: number;
  /** exclusive */
  end: number;
  /** (end - start) in 1024-sample frames */
  frames: number;
}

/** Below this peak the input is silence (about -80 dBFS). */
const SILENCE_PEAK = 1e-4;
/** A sample belongs to the signal above this share of the peak; ggwave fades tones in over a fraction of a frame. */
const EDGE_THRESHOLD = 0.02;

/** The span from the first to the last sample above 2% of the peak, or null for silence. */
export function signalExtent(samples: Float32Array): SignalExtent | null {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) { const a = Math.abs(samples[i]!); if (a > peak) peak = a; }
  if (peak < SILENCE_PEAK) return null;
  const threshold = peak * EDGE_THRESHOLD;
  let start = 0;
  while (Math.abs(samples[start]!) <= threshold) start++;
  let end = samples.length;
  while (Math.abs(samples[end - 1]!) <= threshold) end--;
  return { start, end, frames: (end - start) / SAMPLES_PER_FRAME };
}

/** FFT bins only one family uses (audible 40-135 and dt 24-55 overlap; these ranges do not). */
const FAMILY_BINS: Record<ProtocolFamily, readonly [number, number]> = {
  dt: [24, 40],
  audible: [56, 136],
  ultrasound: [320, 416],
};
/** frames sampled across the signal: enough to see the band, cheap next to one decode */
const PROBE_FRAMES = 6;

/** The family whose exclusive band holds the most power per bin across the signal. */
export function dominantFamily(samples: Float32Array, extent: SignalExtent, families: readonly ProtocolFamily[]): ProtocolFamily | null {
  const span = extent.end - extent.start - SAMPLES_PER_FRAME;
  if (span < 0 || families.length === 0) return null;
  let best: ProtocolFamily | null = null;
  let bestPower = 0;
  for (const family of families) {
    const [lo, hi] = FAMILY_BINS[family];
    let power = 0;
    for (let f = 0; f < PROBE_FRAMES; f++) {
      const at = extent.start + Math.floor((span * (f + 0.5)) / PROBE_FRAMES);
      for (let bin = lo; bin < hi; bin++) power += goertzelPower(samples, at, bin);
    }
    power /= hi - lo;
    if (power > bestPower) { bestPower = power; best = family; }
  }
  return best;
}

/** Power of one DFT bin over the 1024 samples from `at` (Goertzel's recurrence). */
export function goertzelPower(x: Float32Array, at: number, bin: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * bin) / SAMPLES_PER_FRAME);
  let s1 = 0;
  let s2 = 0;
  for (let i = at, end = at + SAMPLES_PER_FRAME; i < end; i++) {
    const s0 = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}
