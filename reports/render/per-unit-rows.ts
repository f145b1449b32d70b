/**
 * The memory-per-unit section's rows, shared by summary.md and the console: one row per fit of a
 * component's RSS against a scraped metric (RunResult.scrape.perUnit). A poor fit shows why in
 * place of a figure, so no renderer prints a number the fit does not support.
 */
import type { ResourcePerUnit, RunResult } from '../run-result.ts';
import { formatBytes, formatCount } from './format.ts';

export const PER_UNIT_HEADER = ['component', 'per', 'memory per unit', 'fit', 'samples', 'window'];

/** Bytes per unit as KiB with one decimal below 1 MiB, so small per-unit costs keep their figures. */
export function formatPerUnitBytes(bytes: number): string {
  return Math.abs(bytes) < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : formatBytes(bytes);
}

/** One row per fit: figure (or why none), R² and intercept, samples and range, window. */
export function perUnitRows(r: RunResult): { row: string[]; poor: boolean }[] {
  return (r.scrape?.perUnit ?? []).map((f) => ({ row: rowOf(f), poor: f.bytesPerUnit === null }));
}

function rowOf(f: ResourcePerUnit): string[] {
  const figure = f.bytesPerUnit !== null ? `${formatPerUnitBytes(f.bytesPerUnit)} per ${f.unit}` : `no figure: ${f.poor ?? 'poor fit'}`;
  const fit = f.slope === null ? '-' : `R² ${f.rSquared === null ? '-' : f.rSquared.toFixed(3)}, slope ${formatPerUnitBytes(f.slope)}, intercept ${formatBytes(f.interceptBytes ?? 0)}`;
  const samples = f.n === 0 ? '0' : `${formatCount(f.n)} (${f.metric} ${f.xMin}-${f.xMax}, ${f.distinctX} values)`;
  const window = `${f.during !== undefined ? `workload ${f.during}, ` : ''}${f.from}-${f.to} s`;
  return [f.component, f.unit, figure, fit, samples, window];
}

/** Sentences about scrapes that failed or missed metrics; empty when every scrape was clean. */
export function scrapeNotes(r: RunResult): string[] {
  const out: string[] = [];
  for (const c of r.scrape?.components ?? []) {
    if (c.failures > 0) out.push(`${c.component}: ${c.failures} of ${c.scrapes} scrapes failed (last: ${c.lastFailure ?? 'unknown'}); those seconds have no point`);
    if (c.missing.length > 0) out.push(`${c.component}: the metrics page never had ${c.missing.join(', ')}`);
    if (c.badLines > 0) out.push(`${c.component}: ${c.badLines} lines of its metrics pages were not Prometheus text and were skipped`);
  }
  return out;
}
