/**
 * The verdict table: every threshold with its value and level, the row coloured Good / Warning /
 * Critical (the same colours as the charts), and whether the line fails the run under `--fail-on`.
 */
import type { RunResult } from '../../run-result.ts';
import { thresholdFails, type RenderOptions } from '../fail-policy.ts';
import { formatValue } from '../format.ts';
import { sourceLabel, statLabel, warningLabel } from '../labels.ts';
import { escapeHtml } from './escape.ts';
import { htmlTable } from './html-table.ts';
import { LEVEL_WORDS } from './level-colours.ts';

/** The thresholds section. */
export function verdictTable(result: RunResult, opts: RenderOptions): string {
  if (result.thresholds.length === 0) {
    return '<section id="thresholds"><h2>Thresholds</h2><p class="muted">None: the scenario and the default profile set no threshold.</p></section>';
  }
  const rows = result.thresholds.map((t) => ({
    className: `level-${t.level}`,
    cells: [
      { text: LEVEL_WORDS[t.level], className: 'level' },
      t.key,
      statLabel(t),
      formatValue(t.value, t.unit),
      t.good,
      warningLabel(t),
      sourceLabel(t),
      thresholdFails(t.level, opts.failOn) ? 'fails' : 'passes',
    ],
  }));
  const table = htmlTable(['level', 'threshold', 'stat', 'value', 'good', 'warning', 'from', `--fail-on ${opts.failOn}`], rows, { numeric: [3], className: 'verdicts' });
  return `<section id="thresholds"><h2>Thresholds</h2>\n${table}\n</section>`;
}

/** One line per reason the verdict is not good; empty when it is. */
export function verdictReasons(result: RunResult): string {
  if (result.verdictReasons.length === 0) return '';
  const items = result.verdictReasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('');
  return `<section id="reasons"><h2>Why the verdict is not good</h2><ul>${items}</ul></section>`;
}
