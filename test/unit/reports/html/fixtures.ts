/**
 * The stored results the HTML report tests render, both written by `caplab run` on a 2-core machine:
 * scenarios/echo/capacity-sweep.yaml (auto sweep 50 -> 100 -> 75 -> 88 -> 94/s, knee 94/s) and
 * scenarios/tunnel/reconnect.yaml (tunnel server restarted at 10 s, 422 failed, recovered in 9 s).
 */
import { readFileSync } from 'node:fs';
import { capacityReport, type CapacityReport } from '../../../../reports/capacity/capacity-report.ts';
import { loadPricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import type { RunResult } from '../../../../reports/run-result.ts';

const load = (name: string): RunResult => JSON.parse(readFileSync(new URL(`../../../fixtures/results/${name}`, import.meta.url), 'utf8')) as RunResult;

/** The echo capacity sweep: five steps, Warning at 100/s, knee at step 4 (94/s). A fresh copy each call. */
export function sweepResult(): RunResult {
  return load('html-sweep.json');
}

/** The tunnel reconnect run: one restart of the tunnel server, a gap from 10.0 to 19 s. A fresh copy each call. */
export function faultResult(): RunResult {
  return load('html-fault.json');
}

/** The sweep sized with the OpenCost default prices, as report.html does by default. */
export function sweepCapacity(): CapacityReport {
  return capacityReport(sweepResult(), { pricing: loadPricingProfile('opencost-default') })!;
}
