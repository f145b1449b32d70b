/** The steps of each capacity sweep as a table, beside the knee chart: the figures behind the points. */
import type { MetricSummary, SweepResult } from '../../run-result.ts';
import { formatCount, formatMs, formatPerSecond } from '../format.ts';
import { escapeHtml } from './escape.ts';
import { htmlTable } from './html-table.ts';
import { LEVEL_WORDS } from './level-colours.ts';

/** One table per sweep, with why the sweep stopped. */
export function sweepTables(sweeps: readonly SweepResult[] | undefined): string {
  return (sweeps ?? []).map((sweep) => {
    // A connection sweep's load is the connections a step held; its rate is only the companion publish rate.
    const connections = sweep.load === 'connections';
    const latency = connections ? 'message_latency' : 'http_req_duration';
    const rows = sweep.steps.map((s) => ({
      className: `level-${s.level}`,
      cells: [
        String(s.index),
        connections ? formatCount(s.targetConnections ?? 0) : formatPerSecond(s.targetRate),
        connections ? held(s.metrics['connections_open']) : formatPerSecond(s.achievedRate),
        p95(s.metrics[latency]),
        connections ? failed(s.metrics['connection_success'], true) : failed(s.metrics['http_req_failed'], false),
        formatCount(s.droppedIterations),
        `${s.from.toFixed(1)}–${s.to.toFixed(1)} s`,
        { text: LEVEL_WORDS[s.level], className: 'level' },
      ],
    }));
    const header = connections
      ? ['step', 'connections', 'held', 'message p95', 'failed connects', 'dropped', 'window', 'level']
      : ['step', 'offered', 'achieved', 'p95', 'failed', 'dropped', 'window', 'level'];
    const table = htmlTable(header, rows, { numeric: [0, 1, 2, 3, 4, 5], className: 'verdicts' });
    return `<h3>Sweep ${escapeHtml(sweep.workload)} (${escapeHtml(sweep.mode)})</h3>\n<p>${escapeHtml(sweep.stopReason)}</p>\n${table}`;
  }).join('\n');
}

/** The most connections the step held (a gauge), or a dash when the step did not record it. */
function held(m: MetricSummary | undefined): string {
  return m?.type === 'gauge' ? formatCount(m.max) : '–';
}

function p95(m: MetricSummary | undefined): string {
  return m?.type === 'trend' && m.count > 0 ? formatMs(m.p95) : '–';
}

/** Failures of a rate metric: its passes for http_req_failed (a pass is a failure), its misses for connection_success. */
function failed(m: MetricSummary | undefined, missesFail: boolean): string {
  if (m?.type !== 'rate') return '–';
  return `${formatCount(missesFail ? m.total - m.passes : m.passes)} / ${formatCount(m.total)}`;
}
