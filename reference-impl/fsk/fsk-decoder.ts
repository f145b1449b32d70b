/**
 * Finds the message in 48 kHz mono samples and names its protocol.
 *
 * ggwave alone is not enough: it tries every enabled protocol of the detected band, slowest first,
 * and takes the first Reed-Solomon-valid result. Messages under 15 bytes carry only 2-4 parity
 * bytes, so a wrong speed often "decodes" to garbage that passes (measured: 13 of 300 random texts
 * on audible-fast, nearly all of 2-8 bytes; more with silence before the signal). It also does not
 * say which protocol matched.
 * So this decoder measures the signal's length and band itself, then asks ggwave for one protocol
 * at a time and accepts a result only if that protocol would produce a signal of exactly that
 * length for the decoded payload length, and, for short payloads, if its tones match the input's
 * (tone-check.ts). Usually the first try is the answer.
 */
import type { GgwaveCodec } from './ggwave-codec.ts';
import { expectedFrames, GGWAVE_MAX_PAYLOAD_BYTES, SAMPLES_PER_FRAME, type FskProtocol } from './protocols.ts';
import { dominantFamily, signalExtent, type SignalExtent } from './signal-analysis.ts';
import { TONE_CHECK_MAX_BYTES, tonesMatch } from './tone-check.ts';

export interface DecodedMessage {
  payload: Uint8Array;
  /** null when the protocol could not be told for sure (e.g. noise hides the signal's edges) */
  protocol: FskProtocol | null;
}

/** How far (in frames) a measured signal length may be from a protocol's; ggwave's fade-in costs about half a frame. */
const LENGTH_TOLERANCE_FRAMES = 1.5;
/**
 * Silence kept before (and after) the trimmed signal, first try first. ggwave's success depends on
 * where its 1024-sample frames fall on the signal: a clean message that fails at one offset decodes
 * at another (measured on the 13 failures in 5,600 random round trips with 4096 samples before the
 * signal: all decoded with 256, 512 or 768). The others are tried only when the first finds nothing.
 */
const LEAD_IN = [SAMPLES_PER_FRAME / 2, SAMPLES_PER_FRAME / 4, (3 * SAMPLES_PER_FRAME) / 4, 2 * SAMPLES_PER_FRAME];

/** The message in `samples` among `protocols` (or only `hint`), or null if there is none. */
export function decodeMessage(codec: GgwaveCodec, samples: Float32Array, protocols: readonly FskProtocol[], hint?: FskProtocol): DecodedMessage | null {
  const extent = signalExtent(samples);
  if (extent === null) return null;
  const plausible = (payload: Uint8Array, p: FskProtocol) =>
    payload.length > 0 && (payload.length >= TONE_CHECK_MAX_BYTES || tonesMatch(codec, samples, extent, payload, p));
  const family = dominantFamily(samples, extent, [...new Set(protocols.map((p) => p.family))]);
  const candidates = hint !== undefined ? [hint] : protocols.filter((p) => p.family === family && fitsSomeLength(p, extent));
  const windows = LEAD_IN.map((lead) => samples.subarray(Math.max(0, extent.start - lead), Math.min(samples.length, extent.end + lead)));
  for (const window of windows) {
    for (const p of candidates) {
      const payload = codec.decode(window, [p]);
      if (fits(p, payload.length, extent) && plausible(payload, p)) return { payload, protocol: p };
    }
  }
  if (hint !== undefined) return null;
  // ggwave's own search over every protocol; named only if exactly one protocol fits what it found
  const payload = codec.decode(windows[0]!, protocols);
  if (payload.length === 0) return null;
  const named = protocols.filter((p) => fits(p, payload.length, extent) && plausible(payload, p));
  if (named.length === 0 && payload.length < TONE_CHECK_MAX_BYTES) return null; // unconfirmed short payloads are where garbage comes from
  return { payload, protocol: named.length === 1 ? named[0]! : null };
}

function fits(p: FskProtocol, length: number, extent: SignalExtent): boolean {
  return Math.abs(expectedFrames(p, length) - extent.frames) <= LENGTH_TOLERANCE_FRAMES;
}

function fitsSomeLength(p: FskProtocol, extent: SignalExtent): boolean {
  for (let length = 1; length <= GGWAVE_MAX_PAYLOAD_BYTES; length++) if (fits(p, length, extent)) return true;
  return false;
}
