import assert from 'node:assert/strict';
import { downmixToFloat32 } from '../../../../reference-impl/fsk/audio-convert.ts';
import { FskError } from '../../../../reference-impl/fsk/fsk-error.ts';
import { readWav } from '../../../../reference-impl/fsk/wav-reader.ts';
import { pcm16Wav, WAV_HEADER_BYTES } from '../../../../reference-impl/fsk/wav-writer.ts';

/** A WAV built field by field, so each test can break exactly one thing. */
function wavFile(o: { format?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number; fmtSize?: number; data?: Uint8Array; dataSize?: number; before?: Uint8Array[]; extensibleSub?: number }): Uint8Array {
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const rate = o.rate ?? 48_000;
  const fmtSize = o.fmtSize ?? (o.extensibleSub !== undefined ? 40 : 16);
  const fmt = new Uint8Array(8 + fmtSize);
  const fv = new DataView(fmt.buffer);
  fmt.set(Buffer.from('fmt '), 0);
  fv.setUint32(4, fmtSize, true);
  if (fmtSize >= 16) {
    fv.setUint16(8, o.format ?? 1, true);
    fv.setUint16(10, channels, true);
    fv.setUint32(12, rate, true);
    fv.setUint32(16, rate * channels * (bits / 8), true);
    fv.setUint16(20, o.blockAlign ?? channels * (bits / 8), true);
    fv.setUint16(22, bits, true);
  }
  if (o.extensibleSub !== undefined) fv.setUint16(8 + 24, o.extensibleSub, true);
  const data = o.data ?? new Uint8Array(channels * (bits / 8) * 4);
  const dh = new Uint8Array(8);
  dh.set(Buffer.from('data'), 0);
  new DataView(dh.buffer).setUint32(4, o.dataSize ?? data.length, true);
  const body = Buffer.concat([...(o.before ?? []), fmt, dh, data]);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WAVE', 8, 'latin1');
  return new Uint8Array(Buffer.concat([head, body]));
}

function chunk(id: string, bytes: number): Uint8Array {
  const c = Buffer.alloc(8 + bytes + (bytes % 2));
  c.write(id, 0, 'latin1');
  c.writeUInt32LE(bytes, 4);
  return new Uint8Array(c);
}

function refused(bytes: Uint8Array, status: number, pattern: RegExp): void {
  assert.throws(() => readWav(bytes), (err: unknown) => {
    assert.ok(err instanceof FskError, `expected FskError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('WAV writer and reader', () => {
  it('round-trips 16-bit mono PCM: header fields, sample count and every sample', () => {
    const samples = Int16Array.from({ length: 1001 }, (_, i) => Math.round(Math.sin(i / 7) * 30000) - (i % 3));
    const file = pcm16Wav(new Uint8Array(samples.buffer), 44_100);
    assert.equal(file.length, WAV_HEADER_BYTES + samples.length * 2);
    assert.equal(Buffer.from(file.subarray(0, 4)).toString('latin1'), 'RIFF');
    assert.equal(Buffer.from(file).readUInt32LE(4), file.length - 8);
    assert.equal(Buffer.from(file).readUInt32LE(28), 44_100 * 2, 'byte rate');
    const wav = readWav(file);
    assert.deepEqual({ ...wav, data: undefined }, { encoding: 'pcm', channels: 1, sampleRate: 44_100, bitsPerSample: 16, frames: 1001, data: undefined });
    assert.deepEqual(new Int16Array(wav.data.slice().buffer), samples);
  });

  it('skips LIST and odd-sized chunks (with their pad byte) before fmt and data', () => {
    const wav = readWav(wavFile({ before: [chunk('LIST', 26), chunk('junk', 3)] }));
    assert.equal(wav.frames, 4);
  });

  it('reads 8-bit unsigned, 24-bit and 32-bit PCM, 32-bit float and WAVE_FORMAT_EXTENSIBLE, as the same values', () => {
    const cases: Array<[string, Parameters<typeof wavFile>[0]]> = [
      ['8-bit', { bits: 8, data: Uint8Array.of(128 + 64, 128 - 64) }],
      ['24-bit', { bits: 24, data: Uint8Array.of(0, 0, 0x40, 0, 0, 0xc0) }],
      ['32-bit', { bits: 32, data: new Uint8Array(Int32Array.of(2 ** 30, -(2 ** 30)).buffer) }],
      ['float', { format: 3, bits: 32, data: new Uint8Array(Float32Array.of(0.5, -0.5).buffer) }],
      ['extensible PCM', { format: 0xfffe, extensibleSub: 1, data: new Uint8Array(Int16Array.of(16384, -16384).buffer) }],
    ];
    for (const [name, spec] of cases) {
      assert.deepEqual([...downmixToFloat32(readWav(wavFile(spec)))], [0.5, -0.5], name);
    }
  });

  it('downmixes stereo by averaging the channels', () => {
    const wav = readWav(wavFile({ channels: 2, data: new Uint8Array(Int16Array.of(16384, 0, -8192, -8192).buffer) }));
    assert.equal(wav.frames, 2);
    assert.deepEqual([...downmixToFloat32(wav)], [0.25, -0.25]);
  });

  it('reads a data chunk of unknown size (0xFFFFFFFF, as streaming encoders write) to the end of the file', () => {
    assert.equal(readWav(wavFile({ data: new Uint8Array(10), dataSize: 0xffffffff })).frames, 5);
  });

  it('turns NaN and infinite float samples into silence and clips the rest to [-1, 1]', () => {
    const wav = readWav(wavFile({ format: 3, bits: 32, data: new Uint8Array(Float32Array.of(NaN, Infinity, 3, -3).buffer) }));
    assert.deepEqual([...downmixToFloat32(wav)], [0, 0, 1, -1]);
  });

  describe('refuses malformed files with 400 and a reason', () => {
    const good = wavFile({});
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['an empty body', new Uint8Array(0), /0 bytes is shorter than a RIFF header/],
      ['text that is not a WAV', new Uint8Array(Buffer.from('hello, this is not audio at all')), /does not start with RIFF\.\.\.\.WAVE/],
      ['a RIFF file that is not WAVE', (() => { const b = good.slice(); b.set(Buffer.from('AVI '), 8); return b; })(), /RIFF\.\.\.\.WAVE/],
      ['a header with no chunks', good.subarray(0, 12), /no fmt chunk/],
      ['a fmt chunk shorter than 16 bytes', wavFile({ fmtSize: 12 }), /shorter than 16 bytes/],
      ['a fmt chunk cut off by the end of the file', good.subarray(0, 30), /fmt chunk of 16 bytes is cut off/],
      ['a data chunk before the fmt chunk', (() => { const b = Buffer.from(good); const fmt = b.subarray(12, 36); const data = b.subarray(36); return new Uint8Array(Buffer.concat([b.subarray(0, 12), data, fmt])); })(), /data chunk comes before any fmt/],
      ['no data chunk', good.subarray(0, 36), /no data chunk/],
      ['a truncated data chunk', good.subarray(0, good.length - 3), /truncated: the data chunk declares 8 bytes but only 5 follow/],
      ['a data size that is not whole sample frames', wavFile({ data: new Uint8Array(7) }), /7 bytes, not a whole number of 2-byte sample frames/],
      ['an empty data chunk', wavFile({ data: new Uint8Array(0) }), /holds no samples/],
      ['zero channels', wavFile({ channels: 0, blockAlign: 0 }), /0 channels/],
      ['a block align that contradicts the channels and bits', wavFile({ blockAlign: 3 }), /block align 3 does not match 1 channel\(s\) of 16-bit/],
      ['an extensible fmt chunk without its extension', wavFile({ format: 0xfffe }), /WAVE_FORMAT_EXTENSIBLE fmt chunk needs 40 bytes/],
    ];
    for (const [name, bytes, pattern] of cases) it(`${name}`, () => refused(bytes, 400, pattern));
  });

  describe('refuses well-formed WAVs it does not decode with 415 and what to send instead', () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['ADPCM (format 0x0002)', wavFile({ format: 2, bits: 4, blockAlign: 1 }), /encoding 0x0002 is not supported; send PCM/],
      ['12-bit PCM', wavFile({ bits: 12, blockAlign: 2 }), /12-bit PCM samples are not supported/],
      ['64-bit float', wavFile({ format: 3, bits: 64 }), /64-bit float samples are not supported/],
      ['a sample rate below 1 kHz', wavFile({ rate: 800 }), /sample rate 800 Hz is outside 1000-96000 Hz/],
      ['a sample rate above 96 kHz', wavFile({ rate: 192_000 }), /sample rate 192000 Hz/],
      ['nine channels', wavFile({ channels: 9 }), /9 channels; at most 8/],
      ['a big-endian RIFX file', (() => { const b = wavFile({}); b.set(Buffer.from('RIFX'), 0); return b; })(), /RIFX files are not supported/],
    ];
    for (const [name, bytes, pattern] of cases) it(`${name}`, () => refused(bytes, 415, pattern));
  });
});
