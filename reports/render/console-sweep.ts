/** The console's "Capacity sweep" section: the steps as judged, the knee, and one replica's capacity. */
import { capacityReport } from '../capacity/capacity-report.ts';
import { stepRows, tierRows } from '../capacity/sizing-rows.ts';
import type { RunResult } from '../run-result.ts';
import type { Palette } from './ansi.ts';
import { textTable } from './text-table.ts';

/** The section's lines; empty when the run had no capacity sweep. */
export function sweepConsole(r: RunResult, p: Palette): string[] {
  const report = capacityReport(r);
  if (!report) return [];
  const steps = stepRows(report);
  const tiers = tierRows(report);
  const c = report.capacity;
  const lines = [
    p.bold(p.cyan(`Capacity sweep (${report.workload}, ${r.sweeps![0]!.mode})`)),
    ...textTable(steps.header, steps.rows, { align: steps.align, paintHeader: p.dim }),
    `  knee: ${report.knee.explanation}`,
    `  one replica of ${report.component}: ${c.load === null ? 'no figure' : `${Math.round(c.load)} ${report.unit}`}${c.limitedBy ? ` (limited by ${c.limitedBy})` : ''}`,
    p.dim(`  sweep ended: ${r.sweeps![0]!.stopReason}`),
  ];
  if (tiers.rows.length > 0) lines.push('', p.bold('  Tiers (N+1)'), ...textTable(tiers.header, tiers.rows, { align: tiers.align, paintHeader: p.dim }));
  lines.push(...report.notes.map((n) => `  ${p.yellow(n)}`));
  lines.push(p.dim('  full sizing and cost: `caplab size result.json --target <load> --pricing <profile>`; charts in report.html'));
  return lines;
}
