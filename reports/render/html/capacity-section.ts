/**
 * The sizing tables of a capacity sweep, from the CapacityReport: the knee in words, what one
 * replica carries, the recommended requests and limits, the tiers with their cost, and every
 * caveat the model raised. The charts sit beside it; this is the text that must stay exact.
 */
import type { CapacityReport } from '../../capacity/capacity-report.ts';
import { formatBytes, formatCount } from '../format.ts';
import { sizedTiers } from './charts/tiers-cost.ts';
import { escapeHtml } from './escape.ts';
import { htmlTable } from './html-table.ts';

/** The capacity model's result for a run: a report, nothing (no sweep), or why it failed. */
export type CapacityOutcome = { report: CapacityReport } | { report: null; error: string | null };

/** The sizing text and tables; a failed model is shown as such, not hidden. */
export function capacitySection(outcome: CapacityOutcome): string {
  if (outcome.report === null) {
    return outcome.error === null ? '' : `<p class="callout level-critical">The capacity model could not size this sweep: ${escapeHtml(outcome.error)}</p>`;
  }
  const c = outcome.report;
  const parts = [
    `<p><strong>Knee:</strong> ${escapeHtml(c.knee.explanation)}</p>`,
    `<p><strong>One replica of ${escapeHtml(c.component)} carries</strong> ${c.capacity.load === null ? 'an unknown load' : `${escapeHtml(formatLoad(c.capacity.load))} ${escapeHtml(c.unit)}`}${c.capacity.limitedBy ? ` (limited by ${escapeHtml(c.capacity.limitedBy)})` : ''}${c.capacity.extrapolated ? ', extrapolated beyond the measured range' : ''}. ${escapeHtml(c.capacity.note)}</p>`,
  ];
  if (c.recommendation) {
    const r = c.recommendation;
    parts.push(`<p><strong>Per replica at ${escapeHtml(formatLoad(r.atLoad))} ${escapeHtml(c.unit)}:</strong> CPU request ${escapeHtml(cores(r.cpuRequestCores))}, CPU limit ${escapeHtml(r.cpuLimitCores === null ? 'none' : cores(r.cpuLimitCores))}, memory request ${escapeHtml(formatBytes(r.memoryRequestBytes))}, memory limit ${escapeHtml(formatBytes(r.memoryLimitBytes))} <span class="muted">(${escapeHtml(r.method)}; from the ${r.basis === 'fit' ? 'fit' : 'nearest measured step'})</span></p>`);
  }
  parts.push(tiersTable(c));
  if (c.cost) {
    const p = c.cost.profile;
    parts.push(`<p class="muted">Prices: ${escapeHtml(p.name)} (${escapeHtml(p.description)}), as of ${escapeHtml(p.asOf)}, from ${escapeHtml(p.source)}. ${escapeHtml(c.cost.methodDescription)}${p.note ? ` ${escapeHtml(p.note)}` : ''}</p>`);
    if (c.cost.connectionBar) {
      const bar = c.cost.connectionBar;
      parts.push(`<p class="callout level-${escapeHtml(bar.level)}">Cost per connection per month: worst ${bar.worst === null ? 'unknown' : `$${bar.worst.toFixed(4)}`}${bar.worstTier ? ` (${escapeHtml(bar.worstTier)})` : ''} against the bar of $${bar.bar.toFixed(2)} (${escapeHtml(bar.source)}).</p>`);
    }
  }
  if (c.notes.length > 0) parts.push(`<h3>Caveats</h3><ul>${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

function tiersTable(c: CapacityReport): string {
  const tiers = sizedTiers(c);
  if (tiers.length === 0) return '';
  const withCost = tiers.some((t) => t.cost !== null);
  const rows = tiers.map((t) => ({
    className: t.extrapolated ? 'extrapolated' : '',
    cells: [
      t.name,
      formatLoad(t.load),
      `${t.replicas} (${t.replicasNeeded} + ${t.replicas - t.replicasNeeded})`,
      formatLoad(t.loadPerReplica),
      `${cores(t.requests.cpuCores)} / ${formatBytes(t.requests.memoryBytes)}`,
      `${t.limits.cpuCores === null ? 'none' : cores(t.limits.cpuCores)} / ${formatBytes(t.limits.memoryBytes)}`,
      `${cores(t.totals.cpuCores)} / ${formatBytes(t.totals.memoryBytes)}`,
      ...(withCost ? [t.cost ? `$${t.cost.totalMonth.toFixed(2)}` : '–'] : []),
      t.extrapolated ? 'yes' : 'no',
    ],
  }));
  const headers = ['tier', c.unit, 'replicas (needed + headroom)', `${c.unit} per replica`, 'requests CPU / memory', 'limits CPU / memory', 'total requests', ...(withCost ? ['$/month'] : []), 'extrapolated'];
  return htmlTable(headers, rows, { numeric: withCost ? [1, 3, 7] : [1, 3] });
}

function cores(n: number): string {
  return n < 1 ? `${Math.round(n * 1000)}m` : `${n.toFixed(2)} cores`;
}

function formatLoad(n: number): string {
  return formatCount(Number.isInteger(n) ? n : Math.round(n * 10) / 10);
}
