/**
 * A second opinion on a decoded payload: re-encode it and compare, transmission by transmission,
 * which tone each 16-bin band carries in the re-encoded signal and in the input.
 *
 * ggwave protects a payload under 15 bytes with only 2-4 Reed-Solomon parity bytes, and searches
 * 256 time offsets for one that decodes. On short messages, a wrong offset now and then yields a
 * received word close enough to SOME codeword for RS to "correct" it: a confident, wrong text
 * (measured: 3 of 700 random texts on audible-fast, all of 2-3 bytes). Such a payload, re-encoded,
 * has tones unlike the input's; the real one matches tone for tone. Comparing tones (strongest bin
 * per band) rather than waveforms makes the check blind to phase, volume and resampling.
 */
import type { GgwaveCodec } from './ggwave-codec.ts';
import { SAMPLES_PER_FRAME, type FskProtocol } from './protocols.ts';
import { goertzelPower, signalExtent, type SignalExtent } from './signal-analysis.ts';

/** Payloads shorter than this carry at most 4 parity bytes; longer ones are left to Reed-Solomon. */
export const TONE_CHECK_MAX_BYTES = 15;
/** Share of bands that must carry the same tone; right payloads match all, wrong ones well under half. */
const MIN_MATCH = 0.8;
/** frames of start marker before the first transmission */
const START_MARKER_FRAMES = 16;

/** True when `payload` sent with `p` would carry the same tones as `samples` (48 kHz, signal at `extent`). */
export function tonesMatch(codec: GgwaveCodec, samples: Float32Array, extent: SignalExtent, payload: Uint8Array, p: FskProtocol): boolean {
  const pcm = codec.encodePcm16(payload, p, 50);
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const reference = Float32Array.from({ length: pcm.length >> 1 }, (_, i) => view.getInt16(2 * i, true));
  const refExtent = signalExtent(reference);
  if (refExtent === null) return false;
  const txs = Math.floor((refExtent.frames - 2 * START_MARKER_FRAMES) / p.framesPerTx);
  let same = 0;
  let bands = 0;
  for (let tx = 0; tx < txs; tx++) {
    // the middle frame of the transmission, away from the fades at its edges
    const offset = Math.round((START_MARKER_FRAMES + tx * p.framesPerTx + (p.framesPerTx - 1) / 2) * SAMPLES_PER_FRAME);
    if (extent.start + offset + SAMPLES_PER_FRAME > samples.length) return false;
    for (let band = 0; band < 2 * p.bytesPerTx; band++) {
      const first = p.freqStartBin + 16 * band;
      if (strongestBin(reference, refExtent.start + offset, first) === strongestBin(samples, extent.start + offset, first)) same++;
      bands++;
    }
  }
  return bands > 0 && same / bands >= MIN_MATCH;
}

function strongestBin(x: Float32Array, at: number, firstBin: number): number {
  let best = 0;
  let bestPower = -1;
  for (let k = 0; k < 16; k++) {
    const power = goertzelPower(x, at, firstBin + k);
    if (power > bestPower) { bestPower = power; best = k; }
  }
  return best;
}
