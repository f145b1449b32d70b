import assert from 'node:assert/strict';
import {
  formatBytes, formatCount, formatMiB, formatMs, formatPercent, formatPerSecond, formatSeconds, formatValue, significant,
} from '../../../../reports/render/format.ts';

describe('render/format', () => {
  it('keeps µs resolution below one millisecond', () => {
    assert.equal(formatMs(0.241), '0.241 ms');
    assert.equal(formatMs(0.05), '0.050 ms');
    assert.equal(formatMs(0), '0 ms');
  });

  it('gives milliseconds three significant figures without rounding away integer digits', () => {
    assert.equal(formatMs(1.1), '1.10 ms');
    assert.equal(formatMs(12.345), '12.3 ms');
    assert.equal(formatMs(123.6), '124 ms');
    assert.equal(formatMs(1234.4), '1234 ms');
    assert.equal(formatMs(9.996), '10.0 ms');
  });

  it('switches to seconds from ten seconds on', () => {
    assert.equal(formatMs(12_340), '12.3 s');
  });

  it('writes bytes in IEC units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(2048), '2.00 KiB');
    assert.equal(formatBytes(48.2 * 1024 ** 2), '48.2 MiB');
    assert.equal(formatBytes(8 * 1024 ** 3), '8.00 GiB');
    assert.equal(formatMiB(52 * 1024 ** 2), '52.0');
  });

  it('never rounds a percentage just under 100 up to 100', () => {
    assert.equal(formatPercent(99.999), '99.999%');
    assert.equal(formatPercent(99.95), '99.95%');
    assert.equal(formatPercent(100), '100.0%');
  });

  it('gives percentages one decimal from 10, two below, three figures under 1', () => {
    assert.equal(formatPercent(38.87), '38.9%');
    assert.equal(formatPercent(2.3166), '2.32%');
    assert.equal(formatPercent(0.4), '0.4%');
    assert.equal(formatPercent(0.03125), '0.0313%');
    assert.equal(formatPercent(0), '0%');
  });

  it('groups counts by thousands and rates by magnitude', () => {
    assert.equal(formatCount(12000), '12,000');
    assert.equal(formatCount(2.345), '2.35');
    assert.equal(formatPerSecond(41000.4), '41,000/s');
    assert.equal(formatPerSecond(499.84), '499.8/s');
    assert.equal(formatPerSecond(12.54), '12.5/s');
  });

  it('writes run lengths in seconds, minutes or hours', () => {
    assert.equal(formatSeconds(12.4), '12.4 s');
    assert.equal(formatSeconds(183), '3m 03s');
    assert.equal(formatSeconds(3720), '1h 02m');
  });

  it('formats a value by its unit and a null as no data', () => {
    assert.equal(formatValue(0.0231, 'fraction'), '2.31%');
    assert.equal(formatValue(70, 'percent'), '70.0%');
    assert.equal(formatValue(2048, 'bytes/s'), '2.00 KiB/s');
    assert.equal(formatValue(null, 'ms'), 'no data');
  });

  it('writes significant figures without exponent notation', () => {
    assert.equal(significant(0.000123456, 3), '0.000123');
    assert.equal(significant(123456, 3), '123456');
  });
});
