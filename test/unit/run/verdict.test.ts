import assert from 'node:assert/strict';
import type { GeneratorHealth, ThresholdResult } from '../../../reports/run-result.ts';
import { decideVerdict } from '../../../harness/run/verdict.ts';

const healthy: GeneratorHealth = { cpu: null, eventLoopLag: null, scheduleLag: null, workers: 0, bottleneck: false, reasons: [] };
const saturated: GeneratorHealth = { ...healthy, bottleneck: true, reasons: ['generator CPU p95 99% > 95% of a core'] };
const line = (level: ThresholdResult['level'], value: number | null = 1): ThresholdResult => ({
  key: 'http_req_duration', metric: 'http_req_duration', filter: {}, stat: 'p(95)', good: '< 100ms', warning: '< 500ms',
  value, unit: 'ms', level, source: 'scenario', abortOnCritical: false,
});
const base = { generator: healthy, interrupted: null, thresholdAbort: null, errors: [] };

describe('the run verdict', () => {
  const cases: [string, Parameters<typeof decideVerdict>[0], string, RegExp | null][] = [
    ['all thresholds Good make the run good', { ...base, thresholds: [line('good')] }, 'good', null],
    ['one Warning makes the run warning', { ...base, thresholds: [line('good'), line('warning', 200)] }, 'warning', /200ms is Warning/],
    ['a threshold with no data makes the run warning, never good', { ...base, thresholds: [line('no-data', null)] }, 'warning', /no data, so it cannot be judged Good/],
    ['one Critical makes the run critical', { ...base, thresholds: [line('warning'), line('critical', 900)] }, 'critical', /900ms is Critical \(Good needs < 100ms, Warning < 500ms\)/],
    ['a saturated generator makes the run invalid even when a threshold is Critical', { ...base, generator: saturated, thresholds: [line('critical')] }, 'invalid', /generator CPU/],
    ['an abortOnCritical stop is critical', { ...base, thresholdAbort: 'http_req_failed rate is 50%', thresholds: [] }, 'critical', /aborted early by abortOnCritical/],
    ['SIGINT makes the run aborted whatever the thresholds say', { ...base, interrupted: 'SIGINT', thresholds: [line('good')] }, 'aborted', /interrupted: SIGINT/],
    ['a harness error makes the run aborted', { ...base, errors: [{ code: 'CAPLAB_ERR_COMPONENT_START', message: 'echo exited' }], thresholds: [] }, 'aborted', /CAPLAB_ERR_COMPONENT_START/],
  ];
  for (const [name, input, verdict, reason] of cases) {
    it(name, () => {
      const out = decideVerdict(input);
      assert.equal(out.verdict, verdict);
      if (reason) assert.ok(out.reasons.some((r) => reason.test(r)), out.reasons.join('\n'));
      else assert.deepEqual(out.reasons, []);
    });
  }
});
