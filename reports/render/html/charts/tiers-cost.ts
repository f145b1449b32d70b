/**
 * Sizing at a glance: replicas per tier (with the N+1 headroom shown apart from what the load
 * needs) and, when a pricing profile was given, what each tier costs a month.
 */
import type { CapacityReport, TierSizing } from '../../../capacity/capacity-report.ts';
import { CHART_CONFIG, type ReportChart, type SpecPart, vegaLiteSpec } from '../chart.ts';

const PANEL_WIDTH = 330;
const PANEL_HEIGHT = 180;

/** One bar segment: replicas the load needs, or the headroom on top. */
export interface ReplicaRow { tier: string; order: number; part: string; replicas: number; load: number }

/** The chart, or null when the capacity report sized no tier. */
export function tiersCostChart(capacity: CapacityReport | null): ReportChart | null {
  if (!capacity) return null;
  const tiers = sizedTiers(capacity);
  if (tiers.length === 0) return null;
  const tierOrder = tiers.map((t) => t.name);
  const replicaRows: ReplicaRow[] = tiers.flatMap((t, order) => [
    { tier: t.name, order, part: 'needed by the load', replicas: t.replicasNeeded, load: t.load },
    { tier: t.name, order, part: 'headroom', replicas: Math.max(0, t.replicas - t.replicasNeeded), load: t.load },
  ]);
  const panels: SpecPart[] = [{
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    title: { text: `${capacity.component} replicas`, fontSize: 12, fontWeight: 'normal' },
    data: { values: replicaRows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'tier', type: 'nominal', sort: tierOrder, title: null, axis: { labelAngle: 0 } },
      y: { field: 'replicas', type: 'quantitative', stack: 'zero', title: 'replicas', axis: { tickMinStep: 1 } },
      color: { field: 'part', type: 'nominal', title: null, scale: { domain: ['needed by the load', 'headroom'], range: ['#0969da', '#9ecbff'] } },
      order: { field: 'part', sort: 'descending' },
      tooltip: [{ field: 'tier' }, { field: 'load', title: capacity.unit }, { field: 'part' }, { field: 'replicas' }],
    },
  }];
  const costRows = tiers.flatMap((t) => (t.cost ? [{ tier: t.name, dollars: t.cost.totalMonth, allocation: t.cost.allocationMonth, idle: t.cost.idleMonth }] : []));
  if (costRows.length > 0) {
    panels.push({
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      title: { text: `cost per month (${capacity.cost?.profile.name ?? 'pricing'})`, fontSize: 12, fontWeight: 'normal' },
      data: { values: costRows },
      layer: [
        { mark: { type: 'bar', color: '#8250df' } },
        { mark: { type: 'text', dy: -6, baseline: 'bottom' }, encoding: { text: { field: 'dollars', format: '$,.0f' } } },
      ],
      encoding: {
        x: { field: 'tier', type: 'nominal', sort: tierOrder, title: null, axis: { labelAngle: 0 } },
        y: { field: 'dollars', type: 'quantitative', title: 'USD / month' },
        tooltip: [{ field: 'tier' }, { field: 'dollars', title: 'total $/month', format: ',.2f' }, { field: 'allocation', title: 'allocated $/month', format: ',.2f' }, { field: 'idle', title: 'idle $/month', format: ',.2f' }],
      },
    });
  }
  const spec = vegaLiteSpec({ config: CHART_CONFIG, hconcat: panels });
  return {
    id: 'tiers-cost',
    title: 'Replicas and cost per tier',
    caption: costRows.length > 0
      ? `Replicas of ${capacity.component} each tier needs (plus ${capacity.headroom} spare for headroom) and the monthly cost: ${capacity.cost?.methodDescription ?? ''}`
      : `Replicas of ${capacity.component} each tier needs, plus ${capacity.headroom} spare for headroom. No pricing profile was given, so no cost is shown.`,
    spec,
  };
}

/** The tiers, then the requested target when there is one. */
export function sizedTiers(capacity: CapacityReport): TierSizing[] {
  return capacity.target ? [...capacity.tiers, capacity.target.tier] : [...capacity.tiers];
}
