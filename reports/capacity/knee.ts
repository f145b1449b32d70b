/**
 * The knee: the highest load at which every threshold was Good, with every lower load Good too.
 * Steps are sorted by load first (an auto sweep bisects, so they run out of order). A step that
 * is not Good caps the knee even when a higher load was Good again: one Good step above a failed
 * one is noise until a re-run shows otherwise, so those loads are listed as unstable instead.
 * `no-data` counts as not Good: a step that measured nothing never vouches for capacity.
 */
import type { Knee, KneeStep } from './capacity-report.ts';

/** Finds the knee among judged steps (any order). */
export function findKnee(steps: readonly KneeStep[], opts: { latencyMetric?: string | null; unit?: string } = {}): Knee {
  const unit = opts.unit ?? '';
  const fmt = (load: number): string => `${Number.isInteger(load) ? load.toLocaleString('en-US') : load.toPrecision(4)}${unit === 'requests/s' ? '/s' : unit ? ` ${unit}` : ''}`;
  const latencyMetric = opts.latencyMetric ?? null;
  const sorted = [...steps].sort((a, b) => a.load - b.load || a.index - b.index);
  const base = { latencyMetric, steps: sorted };
  if (sorted.length === 0) {
    return { ...base, status: 'no-steps', load: null, stepIndex: null, limitedBy: null, unstableLoads: [], explanation: 'the sweep measured no steps' };
  }
  const firstBad = sorted.findIndex((s) => s.level !== 'good');
  if (firstBad === 0) {
    const s = sorted[0]!;
    return {
      ...base, status: 'never-good', load: null, stepIndex: null, limitedBy: limit(s), unstableLoads: unstable(sorted, 0),
      explanation: `no knee in range: the lowest load, ${fmt(s.load)}, was already ${s.level}${because(s)}; sweep from a lower load`,
    };
  }
  if (firstBad === -1) {
    const top = sorted[sorted.length - 1]!;
    return {
      ...base, status: 'above-range', load: top.load, stepIndex: top.index, limitedBy: null, unstableLoads: [],
      explanation: `every step was Good up to ${fmt(top.load)}, the highest load offered: capacity is at least that; sweep higher to find the knee`,
    };
  }
  const knee = sorted[firstBad - 1]!;
  const bad = sorted[firstBad]!;
  const noisy = unstable(sorted, firstBad);
  const tail = noisy.length > 0 ? `; ${noisy.map(fmt).join(', ')} ${noisy.length === 1 ? 'was' : 'were'} Good again above it (noise until a re-run confirms)` : '';
  return {
    ...base, status: 'found', load: knee.load, stepIndex: knee.index, limitedBy: limit(bad), unstableLoads: noisy,
    explanation: `Good up to ${fmt(knee.load)}; ${fmt(bad.load)} was ${bad.level}${because(bad)}${tail}`,
  };
}

function limit(s: KneeStep): Knee['limitedBy'] {
  return { stepIndex: s.index, load: s.load, level: s.level, thresholds: s.notGood };
}

function unstable(sorted: readonly KneeStep[], firstBad: number): number[] {
  return sorted.slice(firstBad + 1).filter((s) => s.level === 'good').map((s) => s.load);
}

function because(s: KneeStep): string {
  return s.notGood.length > 0 ? ` (${s.notGood.join(', ')})` : '';
}
