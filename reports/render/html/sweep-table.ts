/** The steps of each capacity sweep as a table, beside the knee chart: the figures behind the points. */
import type { MetricSummary, SweepResult } from '../../run-result.ts';
import { formatCount, formatMs, formatPerSecond } from '../format.ts';
import { escapeHtml } from './escape.ts';
import { htmlTable } from './html-table.ts';
import { LEVEL_WORDS } from './level-colours.ts';

/** One table per sweep, with why the sweep stopped. */
export function sweepTables(sweeps: readonly SweepResult[] | undefined): string {
  return (sweeps ?? []).map((sweep) => {
    const rows = sweep.steps.map((s) => ({
      className: `level-${s.level}`,
      cells: [
        String(s.index),
        formatPerSecond(s.targetRate),
        formatPerSecond(s.achievedRate),
        p95(s.metrics['http_req_duration']),
        failed(s.metrics['http_req_failed']),
        formatCount(s.droppedIterations),
        `${s.from.toFixed(1)}–${s.to.toFixed(1)} s`,
        { text: LEVEL_WORDS[s.level], className: 'level' },
      ],
    }));
    const table = htmlTable(['step', 'offered', 'achieved', 'p95', 'failed', 'dropped', 'window', 'level'], rows, { numeric: [0, 1, 2, 3, 4, 5], className: 'verdicts' });
    return `<h3>Sweep ${escapeHtml(sweep.workload)} (${escapeHtml(sweep.mode)})</h3>\n<p>${escapeHtml(sweep.stopReason)}</p>\n${table}`;
  }).join('\n');
}

function p95(m: MetricSummary | undefined): string {
  return m?.type === 'trend' && m.count > 0 ? formatMs(m.p95) : '–';
}

function failed(m: MetricSummary | undefined): string {
  return m?.type === 'rate' ? `${formatCount(m.passes)} / ${formatCount(m.total)}` : '–';
}
