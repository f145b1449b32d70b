/**
 * Writes canonical 44-byte-header RIFF/WAVE files of 16-bit PCM, the format ggwave-to-file produces
 * and every audio tool reads.
 */
export const WAV_HEADER_BYTES = 44;

/** Writes the 44-byte header for `dataBytes` of 16-bit PCM into the start of `out`. */
export function writePcm16WavHeader(out: Uint8Array, dataBytes: number, sampleRate: number, channels = 1): void {
  const view = new DataView(out.buffer, out.byteOffset, WAV_HEADER_BYTES);
  const blockAlign = channels * 2;
  const ascii = (offset: number, text: string) => { for (let i = 0; i < 4; i++) view.setUint8(offset + i, text.charCodeAt(i)); };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size for plain PCM
  view.setUint16(20, 1, true); // WAVE_FORMAT_PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
}

/** A complete WAV file (header + samples) for little-endian 16-bit PCM bytes. */
export function pcm16Wav(pcmBytes: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  const out = new Uint8Array(WAV_HEADER_BYTES + pcmBytes.length);
  writePcm16WavHeader(out, pcmBytes.length, sampleRate, channels);
  out.set(pcmBytes, WAV_HEADER_BYTES);
  return out;
}
