/**
 * Resource use against load as a straight line (least squares, simple-statistics), with the
 * numbers that say whether to believe it. A poor fit is still drawn, but nothing is predicted
 * from it: extrapolating a line that does not describe the data is how sizing tables lie.
 */
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import type { FitQuality, LinearFit, LoadPoint } from './capacity-report.ts';

/** R² at or above which a fit is `good`, and `fair`. */
export const R2_GOOD = 0.9;
export const R2_FAIR = 0.7;
/** fewest points a fit needs */
export const MIN_POINTS = 3;

/** Fits value = slope × load + intercept over `points` and grades it. */
export function linearFit(points: readonly LoadPoint[], what = 'the values'): LinearFit {
  const pts = points.filter((p) => Number.isFinite(p.load) && Number.isFinite(p.value)).map((p) => ({ load: p.load, value: p.value }));
  const loads = pts.map((p) => p.load);
  const range = pts.length > 0 ? { min: Math.min(...loads), max: Math.max(...loads) } : null;
  if (pts.length < MIN_POINTS || range === null || range.max === range.min) {
    const why = pts.length < MIN_POINTS ? `only ${pts.length} point${pts.length === 1 ? '' : 's'} (a fit needs ${MIN_POINTS})` : 'every point has the same load';
    return { slope: 0, intercept: 0, r2: null, quality: 'insufficient', residuals: [], maxRelativeResidual: null, points: pts, line: [], range, note: `no fit of ${what}: ${why}` };
  }
  const pairs = pts.map((p) => [p.load, p.value]);
  const { m, b } = linearRegression(pairs);
  const f = linearRegressionLine({ m, b });
  const residuals = pts.map((p) => p.value - f(p.load));
  const mean = pts.reduce((a, p) => a + p.value, 0) / pts.length;
  const maxRelativeResidual = mean === 0 ? null : Math.max(...residuals.map(Math.abs)) / Math.abs(mean);
  // Constant values: rSquared divides by zero; a flat line through constant data is exact.
  const constant = pts.every((p) => p.value === pts[0]!.value);
  const r2 = constant ? null : rSquared(pairs, f);
  const quality = constant ? 'good' : gradeR2(r2!);
  const line = [{ load: range.min, value: f(range.min) }, { load: range.max, value: f(range.max) }];
  return { slope: m, intercept: b, r2, quality, residuals, maxRelativeResidual, points: pts, line, range, note: noteFor(quality, r2, pts.length, what, constant) };
}

function gradeR2(r2: number): FitQuality {
  if (!Number.isFinite(r2)) return 'poor';
  if (r2 >= R2_GOOD) return 'good';
  if (r2 >= R2_FAIR) return 'fair';
  return 'poor';
}

function noteFor(q: FitQuality, r2: number | null, n: number, what: string, constant: boolean): string {
  if (constant) return `${what} did not change with load over ${n} points: a flat line`;
  const r = `R² ${r2!.toFixed(2)} over ${n} points`;
  if (q === 'good') return `${what} grows linearly with load (${r})`;
  if (q === 'fair') return `${what} is roughly linear in load (${r}); predictions are approximate`;
  return `${what} is not linear in load (${r}): shown, but not used to predict`;
}

/** Whether a fit may be used to predict at all. */
export function usable(fit: LinearFit): boolean {
  return fit.quality === 'good' || fit.quality === 'fair';
}

/** The fit's value at `load`, or null when the fit is not usable. */
export function predict(fit: LinearFit, load: number): number | null {
  return usable(fit) ? fit.slope * load + fit.intercept : null;
}

/** The load at which the fit reaches `value`; null when unusable, flat or falling. */
export function loadAt(fit: LinearFit, value: number): number | null {
  if (!usable(fit) || fit.slope <= 0) return null;
  const load = (value - fit.intercept) / fit.slope;
  return load > 0 ? load : null;
}

/** True when `load` lies outside the range the fit was measured over. */
export function extrapolates(fit: LinearFit, load: number): boolean {
  return fit.range === null || load > fit.range.max * 1.0001 || load < fit.range.min * 0.9999;
}
