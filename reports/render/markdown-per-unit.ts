/** summary.md's "Memory per unit" section (RunResult.scrape), rows from per-unit-rows.ts. */
import type { RunResult } from '../run-result.ts';
import { cell } from './markdown.ts';
import { PER_UNIT_HEADER, perUnitRows, scrapeNotes } from './per-unit-rows.ts';

/** The section's lines; empty when no component was scraped. */
export function perUnitMarkdown(r: RunResult): string[] {
  if (!r.scrape) return [];
  const rows = perUnitRows(r);
  const notes = scrapeNotes(r);
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const out = ['### Memory per unit', ''];
  if (rows.length > 0) {
    out.push(line(PER_UNIT_HEADER), line(['---', '---', '---:', '---', '---:', '---']), ...rows.map((x) => line(x.row)), '');
    out.push('_RSS fitted against the metric by least squares, over the samples in the window; a figure only when R² ≥ 0.8 over at least 3 distinct values._');
  } else {
    out.push('_Metrics were scraped, but no `perUnit:` fit was asked for._');
  }
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ${cell(n)}`));
  return out;
}
