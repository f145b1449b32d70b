import assert from 'node:assert/strict';
import { resampleLinear } from '../../../../reference-impl/fsk/audio-convert.ts';

describe('linear resampling', () => {
  it('returns the input unchanged when the rates match', () => {
    const x = Float32Array.of(1, 2, 3);
    assert.equal(resampleLinear(x, 48_000, 48_000), x);
  });

  it('upsampling 24 kHz to 48 kHz puts the midpoint between every pair of samples', () => {
    assert.deepEqual([...resampleLinear(Float32Array.of(0, 1, 0, -1), 24_000, 48_000)], [0, 0.5, 1, 0.5, 0, -0.5, -1, -1]);
  });

  it('downsampling 96 kHz to 48 kHz keeps every other sample', () => {
    assert.deepEqual([...resampleLinear(Float32Array.of(0, 9, 1, 9, 2, 9), 96_000, 48_000)], [0, 1, 2]);
  });

  it('keeps the duration: 1 s at 44.1 kHz becomes 48,000 samples, and a 1 kHz tone keeps its period', () => {
    const tone = Float32Array.from({ length: 44_100 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 44_100));
    const out = resampleLinear(tone, 44_100, 48_000);
    assert.equal(out.length, 48_000);
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 && out[i]! >= 0) crossings++;
    assert.ok(Math.abs(crossings - 1000) <= 1, `${crossings} upward zero crossings`);
  });
});
