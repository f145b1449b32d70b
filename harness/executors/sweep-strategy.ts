/**
 * Which load a capacity sweep offers next, given the levels of the steps so far. Pure, so the
 * search is tested on synthetic verdicts without running anything. A load is an arrival rate
 * (iterations per second) or, with `unit: connections`, a number of connections held; the search
 * is the same, only the words differ (`rate` is the load either way).
 *
 * - `steps`: the listed loads in order; stops early at the first step as bad as `stopAt`.
 * - `auto`: geometric growth from `startRate` while every step is Good (the classic way to
 *   bracket a knee in few steps), then bisection between the last Good load and the first one
 *   that was not, until the bracket is within `resolution` of the Good end or `maxSteps` ran.
 */
import type { Level } from '../../reports/run-result.ts';

/** What a load counts; requests/s when absent. */
export type SweepUnit = 'requests/s' | 'connections';

export interface StepsPlan { mode: 'steps'; rates: readonly number[]; stopAt: 'warning' | 'critical' | 'never'; unit?: SweepUnit }
export interface AutoPlan { mode: 'auto'; startRate: number; growth: number; maxRate: number; resolution: number; maxSteps: number; unit?: SweepUnit }
export type SweepPlan = StepsPlan | AutoPlan;

export interface JudgedStep { rate: number; level: Level }

export type NextStep = { rate: number } | { done: string };

/** A load as the sweep's messages write it: `250/s` or `2000 connections`. */
export function formatSweepLoad(r: number, unit: SweepUnit = 'requests/s'): string {
  return unit === 'connections' ? `${Number(r.toPrecision(6))} connections` : `${Number(r.toPrecision(4))}/s`;
}

/** The next rate to offer, or why the sweep is over. */
export function nextStep(plan: SweepPlan, judged: readonly JudgedStep[]): NextStep {
  return plan.mode === 'steps' ? nextListed(plan, judged) : nextAuto(plan, judged);
}

function nextListed(plan: StepsPlan, judged: readonly JudgedStep[]): NextStep {
  const fmt = (r: number): string => formatSweepLoad(r, plan.unit);
  const last = judged.at(-1);
  if (last && reaches(last.level, plan.stopAt)) {
    return { done: `step ${judged.length} (${fmt(last.rate)}) was ${last.level}: stopped before the remaining ${plan.rates.length - judged.length} step(s) (stopAt: ${plan.stopAt})` };
  }
  if (judged.length >= plan.rates.length) return { done: `all ${plan.rates.length} listed steps ran` };
  return { rate: plan.rates[judged.length]! };
}

/** Whether `level` is at least as bad as `stopAt`; no-data counts as Warning, as in the run verdict. */
function reaches(level: Level, stopAt: StepsPlan['stopAt']): boolean {
  if (stopAt === 'never') return false;
  if (level === 'critical') return true;
  return stopAt === 'warning' && (level === 'warning' || level === 'no-data');
}

function nextAuto(plan: AutoPlan, judged: readonly JudgedStep[]): NextStep {
  const fmt = (r: number): string => formatSweepLoad(r, plan.unit);
  const whole = plan.unit === 'connections' ? '1 connection' : '1/s';
  if (judged.length === 0) return { rate: plan.startRate };
  const good = judged.filter((s) => s.level === 'good').map((s) => s.rate);
  const bad = judged.filter((s) => s.level !== 'good').map((s) => s.rate);
  const lo = good.length > 0 ? Math.max(...good) : null;
  // Only a not-Good load above the best Good one bounds the knee; a noisy dip below it does not.
  const above = bad.filter((r) => lo === null || r > lo);
  const hi = above.length > 0 ? Math.min(...above) : null;
  if (lo === null) {
    return { done: `the first step (${fmt(plan.startRate)}) was already ${judged[0]!.level}: the knee is below it; lower auto.${plan.unit === 'connections' ? 'startConnections' : 'startRate'}` };
  }
  if (judged.length >= plan.maxSteps) {
    return { done: hi === null ? `maxSteps (${plan.maxSteps}) ran with every step Good up to ${fmt(lo)}` : `maxSteps (${plan.maxSteps}) ran; knee between ${fmt(lo)} and ${fmt(hi)}` };
  }
  if (hi === null) {
    if (lo >= plan.maxRate) return { done: `every step was Good up to ${plan.unit === 'connections' ? 'maxConnections' : 'maxRate'} ${fmt(plan.maxRate)}: the knee is above it` };
    const grown = Math.min(plan.maxRate, lo * plan.growth);
    return { rate: plan.unit === 'connections' ? Math.round(grown) : grown };
  }
  if ((hi - lo) / lo <= plan.resolution) {
    return { done: `knee bracketed between ${fmt(lo)} (Good) and ${fmt(hi)} (not Good), within ${Number((plan.resolution * 100).toPrecision(3))}%` };
  }
  // Whole iterations per second (or connections): a bisection finer than that measures nothing but noise.
  const mid = Math.round((lo + hi) / 2);
  if (mid <= lo || mid >= hi) return { done: `knee bracketed between ${fmt(lo)} and ${fmt(hi)}, ${whole} apart` };
  return { rate: mid };
}
