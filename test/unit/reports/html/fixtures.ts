/** The stored results the HTML report tests render: a real capacity sweep and a real run with a killed component. */
import { readFileSync } from 'node:fs';
import { capacityReport, type CapacityReport } from '../../../../reports/capacity/capacity-report.ts';
import { loadPricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import type { RunResult } from '../../../../reports/run-result.ts';

const load = (name: string): RunResult => JSON.parse(readFileSync(new URL(`../../../fixtures/results/${name}`, import.meta.url), 'utf8')) as RunResult;

/** FSK encode at 25..400 req/s, five steps; the knee is at 100/s. A fresh copy each call. */
export function sweepResult(): RunResult {
  return load('html-sweep.json');
}

/** Echo at 200 req/s whose process was killed 4.95 s in: one fault, a gap from second 5 to 10. */
export function faultResult(): RunResult {
  return load('html-fault.json');
}

/** The sweep sized with the OpenCost default prices, as report.html does by default. */
export function sweepCapacity(): CapacityReport {
  return capacityReport(sweepResult(), { pricing: loadPricingProfile('opencost-default') })!;
}
