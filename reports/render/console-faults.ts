/** The console's "Faults" section (RunResult.faults), rows from fault-rows.ts. */
import type { RunResult } from '../run-result.ts';
import type { Palette } from './ansi.ts';
import { FAULT_ALIGN, FAULT_HEADER, FAULT_NOTE, faultRows } from './fault-rows.ts';
import { textTable } from './text-table.ts';

/** The section's lines; empty when the scenario injected no faults. */
export function faultsConsole(r: RunResult, p: Palette): string[] {
  if (!r.faults || r.faults.length === 0) return [];
  const { rows, notes } = faultRows(r);
  return [
    p.bold(p.cyan('Faults')),
    ...textTable(FAULT_HEADER, rows, { align: FAULT_ALIGN, paintHeader: p.dim }),
    ...notes.map((n) => `  ${p.yellow(n)}`),
    p.dim(`  ${FAULT_NOTE}`),
  ];
}
