/**
 * Reads a RIFF/WAVE file from memory: walks the chunks (skipping LIST, fact, ...), checks the fmt
 * chunk against the data, and says precisely what is wrong when it cannot be read. 400 means the
 * file is broken; 415 means it is a well-formed WAV in an encoding this service does not take.
 */
import { FskError } from './fsk-error.ts';

export type SampleEncoding = 'pcm' | 'float';

export interface WavAudio {
  encoding: SampleEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** sample frames, i.e. samples per channel */
  frames: number;
  /** the interleaved sample bytes (a view into the input) */
  data: Uint8Array;
}

/** The sample rates ggwave accepts (kSampleRateMin, kSampleRateMax). */
export const MIN_SAMPLE_RATE = 1_000;
export const MAX_SAMPLE_RATE = 96_000;
export const MAX_CHANNELS = 8;
const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
/** data size written by streaming encoders (e.g. ffmpeg to a pipe) that could not seek back */
const SIZE_UNKNOWN = 0xffffffff;

const bad = (message: string) => new FskError(400, 'bad_wav', `not a readable WAV file: ${message}`);
const unsupported = (message: string) => new FskError(415, 'unsupported_wav', message);

/** Parses a WAV file; throws FskError 400 (malformed) or 415 (unsupported encoding). */
export function readWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
  if (bytes.length < 12) throw bad(`${bytes.length} bytes is shorter than a RIFF header (12 bytes)`);
  const riff = tag(0);
  if (riff === 'RIFX' || riff === 'RF64') throw unsupported(`${riff} files are not supported; send a little-endian RIFF/WAVE file`);
  if (riff !== 'RIFF' || tag(8) !== 'WAVE') throw bad(`it does not start with RIFF....WAVE`);

  let fmt: Omit<WavAudio, 'frames' | 'data'> | undefined;
  let offset = 12;
  // every pass consumes at least the 8-byte chunk header, so this ends
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw bad(`fmt chunk of ${size} bytes is ${size < 16 ? 'shorter than 16 bytes' : 'cut off'}`);
      fmt = readFmt(view, body, size);
    } else if (id === 'data') {
      if (fmt === undefined) throw bad('the data chunk comes before any fmt chunk');
      const available = bytes.length - body;
      if (size !== SIZE_UNKNOWN && size > available) throw bad(`truncated: the data chunk declares ${size} bytes but only ${available} follow`);
      const blockAlign = fmt.channels * (fmt.bitsPerSample / 8);
      const length = size === SIZE_UNKNOWN ? available - (available % blockAlign) : size;
      if (length % blockAlign !== 0) throw bad(`the data chunk holds ${length} bytes, not a whole number of ${blockAlign}-byte sample frames`);
      if (length === 0) throw bad('the data chunk holds no samples');
      return { ...fmt, frames: length / blockAlign, data: bytes.subarray(body, body + length) };
    }
    offset = body + size + (size % 2); // chunks are padded to an even length
  }
  throw bad(fmt === undefined ? 'no fmt chunk' : 'no data chunk');
}

function readFmt(view: DataView, at: number, size: number): Omit<WavAudio, 'frames' | 'data'> {
  let format = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    // WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4), then the sub-format GUID whose first 2 bytes are the format tag
    if (size < 40) throw bad(`a WAVE_FORMAT_EXTENSIBLE fmt chunk needs 40 bytes, this one has ${size}`);
    format = view.getUint16(at + 24, true);
  }
  let encoding: SampleEncoding;
  if (format === FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) encoding = 'pcm';
  else if (format === FORMAT_FLOAT && bitsPerSample === 32) encoding = 'float';
  else if (format === FORMAT_PCM || format === FORMAT_FLOAT) {
    throw unsupported(`${bitsPerSample}-bit ${format === FORMAT_PCM ? 'PCM' : 'float'} samples are not supported; send 8/16/24/32-bit PCM or 32-bit float`);
  } else {
    throw unsupported(`WAV encoding 0x${format.toString(16).padStart(4, '0')} is not supported; send PCM (0x0001) or IEEE float (0x0003)`);
  }
  if (channels === 0) throw bad('the fmt chunk says 0 channels');
  if (channels > MAX_CHANNELS) throw unsupported(`${channels} channels; at most ${MAX_CHANNELS} are downmixed`);
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw unsupported(`sample rate ${sampleRate} Hz is outside ${MIN_SAMPLE_RATE}-${MAX_SAMPLE_RATE} Hz, the range ggwave can decode`);
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw bad(`block align ${blockAlign} does not match ${channels} channel(s) of ${bitsPerSample}-bit samples`);
  }
  return { encoding, channels, sampleRate, bitsPerSample };
}
