/**
 * Finds the message in 48 kHz mono samples and names its protocol.
 *
 * ggwave alone is not enough: it tries every enabled protocol of the detected band, slowest first,
 * and takes the first Reed-Solomon-valid result. Messages of 2-8 bytes carry only 2-4 parity bytes,
 * so a wrong speed often "decodes" to garbage that passes (measured: 5% of short random texts on
 * audible-fast, more with silence before the signal). It also does not say which protocol matched.
 * So this decoder measures the signal's length and band itself, then asks ggwave for one protocol
 * at a time and accepts a result only if that protocol would produce a signal of exactly that
 * length for the decoded payload length. Usually the first try is the answer.
 */
import type { GgwaveCodec } from './ggwave-codec.ts';
import { expectedFrames, GGWAVE_MAX_PAYLOAD_BYTES, SAMPLES_PER_FRAME, type FskProtocol } from './protocols.ts';
import { dominantFamily, signalExtent, type SignalExtent } from './signal-analysis.ts';

export interface DecodedMessage {
  payload: Uint8Array;
  /** null when only ggwave's own search found it, so the protocol is not known for sure */
  protocol: FskProtocol | null;
}

/** How far (in frames) a measured signal length may be from a protocol's; ggwave's fade-in costs about half a frame. */
const LENGTH_TOLERANCE_FRAMES = 1.5;
/** silence kept around the trimmed signal, so ggwave's marker detector sees the edges */
const EDGE_PADDING = 4 * SAMPLES_PER_FRAME;

/** The message in `samples` among `protocols` (or only `hint`), or null if there is none. */
export function decodeMessage(codec: GgwaveCodec, samples: Float32Array, protocols: readonly FskProtocol[], hint?: FskProtocol): DecodedMessage | null {
  const extent = signalExtent(samples);
  if (extent === null) return null;
  const trimmed = samples.subarray(Math.max(0, extent.start - EDGE_PADDING), Math.min(samples.length, extent.end + EDGE_PADDING));
  if (hint !== undefined) {
    const payload = codec.decode(trimmed, [hint]);
    return payload.length > 0 ? { payload, protocol: hint } : null;
  }
  const family = dominantFamily(samples, extent, [...new Set(protocols.map((p) => p.family))]);
  for (const p of protocols) {
    if (p.family !== family || !fitsSomeLength(p, extent)) continue;
    const payload = codec.decode(trimmed, [p]);
    if (payload.length > 0 && fits(p, payload.length, extent)) return { payload, protocol: p };
  }
  // noise or clipping can hide the edges: fall back to ggwave's own search, without naming a protocol
  const payload = codec.decode(trimmed, protocols);
  return payload.length > 0 ? { payload, protocol: null } : null;
}

function fits(p: FskProtocol, length: number, extent: SignalExtent): boolean {
  return Math.abs(expectedFrames(p, length) - extent.frames) <= LENGTH_TOLERANCE_FRAMES;
}

function fitsSomeLength(p: FskProtocol, extent: SignalExtent): boolean {
  for (let length = 1; length <= GGWAVE_MAX_PAYLOAD_BYTES; length++) if (fits(p, length, extent)) return true;
  return false;
}
