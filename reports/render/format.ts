/**
 * How every renderer writes a number, so the console, summary.md and junit.xml say the same
 * figure the same way. Latency keeps µs resolution below 1 ms because that is the HDR scale.
 */
import type { MetricUnit } from '../run-result.ts';

/** `digits` significant figures without exponent notation; integer digits are never rounded away. */
export function significant(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const s = v.toFixed(decimals);
  // 9.996 -> "10.00" has one figure too many once rounding carries into a new digit.
  return decimals > 0 && Math.abs(Number(s)) >= 10 ** (magnitude + 1) ? v.toFixed(decimals - 1) : s;
}

/** Milliseconds: `0.241 ms` below 1 ms, 3 significant figures up to 10 s, seconds beyond. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0 ms';
  if (Math.abs(ms) < 1) return `${ms.toFixed(3)} ms`;
  if (Math.abs(ms) < 10_000) return `${significant(ms, 3)} ms`;
  return `${significant(ms / 1000, 3)} s`;
}

const BYTE_STEPS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes in IEC units with 3 significant figures: `512 B`, `48.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`;
  let v = bytes;
  let unit: string = 'B';
  for (const step of BYTE_STEPS) {
    if (Math.abs(v) < 1024) break;
    v /= 1024;
    unit = step;
  }
  return `${significant(v, 3)} ${unit}`;
}

/** Bytes as MiB without the unit, for columns headed `MiB`. */
export function formatMiB(bytes: number): string {
  return significant(bytes / 1024 ** 2, 3);
}

/**
 * A percentage (already ×100), decimals fixed by magnitude so columns line up: 1 decimal from 10 %, 2 below and between 99 % and 100 %, 3 significant
 * figures below 1 %. Near 100 % it adds decimals rather than round 99.999 % up to 100 %: that is the
 * difference between Good and Warning for connection success.
 */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return `${percent}%`;
  if (percent === 0) return '0%';
  const abs = Math.abs(percent);
  if (abs < 1) return `${trimZeros(significant(percent, 3))}%`;
  let decimals = abs >= 10 && !(abs >= 99 && abs < 100) ? 1 : 2;
  let s = percent.toFixed(decimals);
  while (Math.abs(Number(s)) === 100 && Math.abs(percent) !== 100 && decimals < 6) s = percent.toFixed(++decimals);
  return `${s}%`;
}

/** A fraction 0..1 as a percentage. */
export function formatFraction(fraction: number): string {
  return formatPercent(fraction * 100);
}

/** A count: integers grouped by thousands, others with 3 significant figures. */
export function formatCount(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return significant(n, 3);
}

/** Events per second: `41,000/s`, `499.8/s`, `12.5/s`. */
export function formatPerSecond(rate: number): string {
  if (Math.abs(rate) >= 1000) return `${Math.round(rate).toLocaleString('en-US')}/s`;
  if (Math.abs(rate) >= 100) return `${rate.toFixed(1)}/s`;
  return `${significant(rate, 3)}/s`;
}

/** A run length in seconds: `59.9 s`, `5m 03s`, `1h 02m`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${significant(seconds, 3)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** A value in the unit a metric or threshold carries; null is `no data`. */
export function formatValue(value: number | null, unit: MetricUnit | 'fraction'): string {
  if (value === null) return 'no data';
  switch (unit) {
    case 'ms': return formatMs(value);
    case 'percent': return formatPercent(value);
    case 'fraction': return formatFraction(value);
    case 'bytes': return formatBytes(value);
    case 'bytes/s': return `${formatBytes(value)}/s`;
    case 'count': return formatCount(value);
  }
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
