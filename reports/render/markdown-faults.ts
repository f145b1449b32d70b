/** summary.md's "Faults" section (RunResult.faults), rows from fault-rows.ts. */
import type { RunResult } from '../run-result.ts';
import { FAULT_ALIGN, FAULT_HEADER, FAULT_NOTE, faultRows } from './fault-rows.ts';
import { cell } from './markdown.ts';

/** The section's lines; empty when the scenario injected no faults. */
export function faultsMarkdown(r: RunResult): string[] {
  if (!r.faults || r.faults.length === 0) return [];
  const { rows, notes } = faultRows(r);
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const out = [
    '### Faults', '',
    line(FAULT_HEADER), line(FAULT_ALIGN.map((a) => (a === 'right' ? '---:' : '---'))), ...rows.map(line), '',
    `_${FAULT_NOTE}._`,
  ];
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ⚠️ ${cell(n)}`));
  return out;
}
