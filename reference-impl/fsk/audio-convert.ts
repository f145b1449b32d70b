/**
 * Turns any WavAudio the reader accepts into what the decoder works on: mono float samples in
 * [-1, 1] at 48 kHz, and the encoder's 48 kHz PCM into other rates. Channels are averaged (a downmix, not a refusal: a stereo recording of one
 * transmission carries it in both channels). Other sample rates are resampled linearly: the FSK
 * tones sit far below the Nyquist frequency of any rate that can carry them, where linear
 * interpolation's loss is a fraction of a dB.
 */
import { GGWAVE_SAMPLE_RATE } from './protocols.ts';
import type { WavAudio } from './wav-reader.ts';

/** Mono float samples at the file's own rate; non-finite float samples become 0. */
export function downmixToFloat32(wav: WavAudio): Float32Array {
  const { channels, frames, data } = wav;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bytes = wav.bitsPerSample / 8;
  const read = sampleReader(wav, view);
  const out = new Float32Array(frames);
  const scale = 1 / channels;
  for (let f = 0, at = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += bytes) sum += read(at);
    out[f] = sum * scale;
  }
  return out;
}

function sampleReader(wav: WavAudio, view: DataView): (at: number) => number {
  if (wav.encoding === 'float') {
    return (at) => { const v = view.getFloat32(at, true); return Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0; };
  }
  switch (wav.bitsPerSample) {
    case 8: return (at) => (view.getUint8(at) - 128) / 128; // 8-bit WAV PCM is unsigned
    case 16: return (at) => view.getInt16(at, true) / 32768;
    case 24: return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    default: return (at) => view.getInt32(at, true) / 2147483648;
  }
}

/** Linear interpolation from `fromRate` to `toRate`; returns the input itself when the rates match. */
export function resampleLinear(input: Float32Array, fromRate: number, toRate: number = GGWAVE_SAMPLE_RATE): Float32Array {
  if (fromRate === toRate || input.length === 0) return input;
  const outLength = Math.max(1, Math.round((input.length * toRate) / fromRate));
  const out = new Float32Array(outLength);
  const step = fromRate / toRate;
  const last = input.length - 1;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const k = Math.floor(pos);
    if (k >= last) { out[i] = input[last]!; continue; }
    const frac = pos - k;
    out[i] = input[k]! + (input[k + 1]! - input[k]!) * frac;
  }
  return out;
}

/** 16-bit PCM (little-endian bytes) at `fromRate` resampled linearly to `toRate`, rounded and clipped. */
export function resamplePcm16(pcm: Uint8Array, fromRate: number, toRate: number): Uint8Array {
  if (fromRate === toRate) return pcm;
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const input = Float32Array.from({ length: pcm.length >> 1 }, (_, i) => view.getInt16(2 * i, true));
  const resampled = resampleLinear(input, fromRate, toRate);
  const out = new Uint8Array(resampled.length * 2);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < resampled.length; i++) outView.setInt16(2 * i, Math.max(-32768, Math.min(32767, Math.round(resampled[i]!))), true);
  return out;
}
