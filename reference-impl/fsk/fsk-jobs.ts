/**
 * The work a worker thread does for one request, as plain functions of a GgwaveCodec (so unit tests
 * run them without threads), and the messages that carry it across the thread boundary.
 */
import { downmixToFloat32, resamplePcm16, resampleLinear } from './audio-convert.ts';
import { decodeMessage } from './fsk-decoder.ts';
import { FskError } from './fsk-error.ts';
import type { GgwaveCodec } from './ggwave-codec.ts';
import { EXPOSED_PROTOCOLS, GGWAVE_MAX_PAYLOAD_BYTES, GGWAVE_SAMPLE_RATE, protocolByName, type FskProtocol } from './protocols.ts';
import { readWav } from './wav-reader.ts';
import { pcm16Wav } from './wav-writer.ts';

export interface EncodeJob { kind: 'encode'; payload: Uint8Array; protocol: string; volume: number; sampleRate: number }
export interface DecodeJob { kind: 'decode'; wav: Uint8Array; protocol?: string; maxAudioSeconds: number }
export type FskJob = EncodeJob | DecodeJob;

export interface EncodeResult { kind: 'encode'; wav: Uint8Array; samples: number; protocol: string }
export interface AudioInfo {
  channels: number;
  sample_rate: number;
  bits: number;
  encoding: 'pcm' | 'float';
  total_samples: number;
  duration_seconds: number;
  /** true when the audio was resampled to 48 kHz before decoding */
  resampled: boolean;
}
export interface DecodeResult { kind: 'decode'; text: string; protocol: string | null; message_length: number; audio_info: AudioInfo }
export type FskResult = EncodeResult | DecodeResult;

/** Runs one job; throws FskError for input it refuses. */
export function runFskJob(codec: GgwaveCodec, job: FskJob): FskResult {
  return job.kind === 'encode' ? runEncode(codec, job) : runDecode(codec, job);
}

/** The ArrayBuffers of a result that can move to the other thread instead of being copied. */
export function transferablesOf(result: FskResult): ArrayBuffer[] {
  return result.kind === 'encode' ? [result.wav.buffer as ArrayBuffer] : [];
}

function runEncode(codec: GgwaveCodec, job: EncodeJob): EncodeResult {
  // the HTTP side checks this too; ggwave would cut a longer payload without a word
  if (job.payload.length > GGWAVE_MAX_PAYLOAD_BYTES) throw new FskError(413, 'text_too_long', `payload of ${job.payload.length} bytes exceeds ggwave's ${GGWAVE_MAX_PAYLOAD_BYTES}`);
  const protocol = requireProtocol(job.protocol);
  // ggwave encodes at 48 kHz only (see ggwave-codec.ts); other rates are resampled here, the same way decode resamples
  const pcm = resamplePcm16(codec.encodePcm16(job.payload, protocol, job.volume), GGWAVE_SAMPLE_RATE, job.sampleRate);
  return { kind: 'encode', wav: pcm16Wav(pcm, job.sampleRate), samples: pcm.length / 2, protocol: protocol.name };
}

function runDecode(codec: GgwaveCodec, job: DecodeJob): DecodeResult {
  const wav = readWav(job.wav);
  const seconds = wav.frames / wav.sampleRate;
  if (seconds > job.maxAudioSeconds) {
    throw new FskError(413, 'audio_too_long', `audio is ${seconds.toFixed(1)} s long; at most ${job.maxAudioSeconds} s is decoded (the longest message, 140 bytes on audible-normal, takes 13.6 s)`);
  }
  const hint = job.protocol === undefined ? undefined : requireProtocol(job.protocol);
  const samples = resampleLinear(downmixToFloat32(wav), wav.sampleRate);
  const audio_info: AudioInfo = {
    channels: wav.channels,
    sample_rate: wav.sampleRate,
    bits: wav.bitsPerSample,
    encoding: wav.encoding,
    total_samples: wav.frames,
    duration_seconds: Math.round(seconds * 1000) / 1000,
    resampled: wav.sampleRate !== GGWAVE_SAMPLE_RATE,
  };
  const found = decodeMessage(codec, samples, EXPOSED_PROTOCOLS, hint);
  if (found === null) {
    const tried = hint ? hint.name : EXPOSED_PROTOCOLS.map((p) => p.name).join(', ');
    throw new FskError(422, 'no_message', 'no FSK message found', { audio_info, protocols_tried: tried });
  }
  return {
    kind: 'decode',
    text: new TextDecoder().decode(found.payload),
    protocol: found.protocol?.name ?? null,
    message_length: found.payload.length,
    audio_info,
  };
}

function requireProtocol(name: string): FskProtocol {
  const p = protocolByName(name);
  if (p === undefined) throw new FskError(400, 'bad_field', `unknown protocol '${name}'`);
  return p;
}
