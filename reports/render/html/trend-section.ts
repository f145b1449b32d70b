/**
 * The "Trend across stored runs" section of report.html: the trend charts and the table of runs
 * behind them, or, when the baseline holds fewer than two runs of this scenario, a sentence saying
 * so and how to add runs (an empty or one-point chart would read as a flat trend).
 */
import type { RunResult } from '../../run-result.ts';
import { formatMs, formatPerSecond } from '../format.ts';
import { verdictWords } from '../labels.ts';
import type { ReportChart } from './chart.ts';
import { trendCharts } from './charts/trend-over-runs.ts';
import { escapeHtml } from './escape.ts';
import { htmlTable } from './html-table.ts';
import { trendPoints, type TrendInput } from './trend-points.ts';

/** The section's charts (to render as figures) and its HTML around them. */
export interface TrendSection { charts: ReportChart[]; before: string; after: string }

export function trendSection(input: TrendInput, current: RunResult): TrendSection {
  const t = trendPoints(input, current);
  const where = `baseline ${input.baseline} (${input.dir})`;
  const others = t.otherScenarios > 0 ? ` ${t.otherScenarios} stored run${t.otherScenarios === 1 ? '' : 's'} of other scenarios ${t.otherScenarios === 1 ? 'is' : 'are'} left out.` : '';
  const save = `caplab baseline save result.json --name ${input.baseline}${input.dir === 'reports/baselines' ? '' : ` --dir ${input.dir}`}`;
  if (t.storedRuns < 2) {
    const held = t.storedRuns === 0 ? `holds no runs of ${current.scenario}` : `holds one run of ${current.scenario} (${t.points.find((p) => !p.current)?.startedAt ?? 'this run'})`;
    return { charts: [], before: `<p class="trend-empty">No trend yet: ${escapeHtml(where)} ${escapeHtml(held)}; a trend needs two or more stored runs. Add runs with <code>${escapeHtml(save)}</code>.${escapeHtml(others)}</p>`, after: '' };
  }
  const charts = trendCharts(t, input.baseline);
  const rows = t.points.map((p) => ({
    className: p.current ? 'trend-current' : '',
    cells: [
      p.startedAt,
      p.commit ? p.commit.slice(0, 12) : 'unknown',
      ...t.labels.map((l) => { const v = p.latency[l]; return v === null || v === undefined ? '–' : formatMs(v); }),
      p.throughput === null ? '–' : formatPerSecond(p.throughput),
      verdictWords(p.verdict),
      p.current ? 'this run' : '',
    ],
  }));
  const table = htmlTable(['started', 'commit', ...t.labels, 'throughput', 'verdict', ''], rows, { numeric: t.labels.map((_, i) => i + 2).concat([t.labels.length + 2]) });
  const runs = `${t.storedRuns} stored runs of ${current.scenario} in ${where}${t.currentStored ? ', this run among them' : ', and this run'}.`;
  const intro = `<p>${escapeHtml(`${runs}${others} Figures are over each whole run; the gate itself (caplab compare) compares per-second samples.`)}</p>`;
  return { charts, before: intro, after: table };
}
