/** The console's "Memory per unit" section (RunResult.scrape), rows from per-unit-rows.ts. */
import type { RunResult } from '../run-result.ts';
import type { Palette } from './ansi.ts';
import { PER_UNIT_HEADER, perUnitRows, scrapeNotes } from './per-unit-rows.ts';
import { textTable } from './text-table.ts';

/** The section's lines; empty when no component was scraped. */
export function perUnitConsole(r: RunResult, p: Palette): string[] {
  if (!r.scrape) return [];
  const rows = perUnitRows(r).map((x) => x.poor ? x.row.map((c, i) => (i === 2 ? { text: c, paint: p.yellow } : c)) : x.row);
  const out = [p.bold(p.cyan('Memory per unit'))];
  if (rows.length > 0) {
    out.push(...textTable(PER_UNIT_HEADER, rows, { align: ['left', 'left', 'right', 'left', 'right', 'left'], paintHeader: p.dim }));
    out.push(p.dim('  RSS fitted against the metric (least squares) in the window; a figure only when R² >= 0.8 over at least 3 distinct values'));
  } else {
    out.push(p.dim('  metrics were scraped, but no perUnit fit was asked for'));
  }
  for (const n of scrapeNotes(r)) out.push(p.yellow(`  ${n}`));
  return out;
}
