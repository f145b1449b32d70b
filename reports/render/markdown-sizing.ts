/**
 * summary.md's "Capacity and cost" section, only for a run with a capacity sweep: the knee, the
 * tier table in the seeds' shape and its cost under the OpenCost default rates (`caplab size`
 * re-prices with another profile). Rows come from reports/capacity/sizing-rows.ts, as in the console.
 */
import { benchmarkRows } from '../capacity/benchmark-table.ts';
import { capacityReport } from '../capacity/capacity-report.ts';
import { costRows, sizingFacts, tierRows, type Rows } from '../capacity/sizing-rows.ts';
import { DEFAULT_PRICING, loadPricingProfile } from '../cost/pricing-profile.ts';
import type { RunResult } from '../run-result.ts';
import { cell } from './markdown.ts';

/** The section's lines; empty when the run had no capacity sweep. */
export function sizingMarkdown(r: RunResult): string[] {
  if (!r.sweeps || r.sweeps.length === 0) return [];
  const report = capacityReport(r, { pricing: loadPricingProfile(DEFAULT_PRICING) });
  if (report === null) return [];
  const out = ['### Capacity and cost', ''];
  const tiers = tierRows(report);
  if (tiers.rows.length > 0) out.push(...table(tiers), '');
  else out.push('_No tier could be sized from this sweep (see the notes)._', '');
  const costs = costRows(report);
  if (costs && costs.rows.length > 0) out.push(...table(costs), '');
  const bench = benchmarkRows(report);
  if (bench.rows.length > 0) out.push('Seed 004\'s benchmark table, from this sweep (CPU and memory per instance predicted by the fits, latency the p95 of the nearest Good step at or above the per-instance load; † CPU or memory measured at that step, the fit being poor):', '', ...table(bench), '');
  out.push(...sizingFacts(report).map((f) => `- ${cell(f)}`));
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => `- ⚠️ ${cell(n)}`));
  const example = report.unit === 'connections' ? '--target 100k/conn --tiers seed-004' : '--target 10000/s';
  out.push('', `_Re-size with other targets, tiers or prices: \`caplab size result.json ${example} --pricing aws-us-east-1\`._`);
  return out;
}

function table(t: Rows): string[] {
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(t.header), line(t.align.map((a) => (a === 'right' ? '---:' : '---'))), ...t.rows.map(line)];
}
