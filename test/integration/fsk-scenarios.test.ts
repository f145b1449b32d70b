import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/fsk/', import.meta.url));
const opts = () => ({ provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });

describe('the shipped FSK scenarios on the local provider', function () {
  this.timeout(90_000);

  it('smoke: every encode -> decode round trip returns the text that was sent', async () => {
    const r = await runScenario(await loadPlanOrThrow(SCENARIOS + 'smoke.yaml'), opts());
    assert.deepEqual(r.errors, []);
    const roundTrip = r.checks.find((c) => c.name.startsWith('$.text equals'));
    assert.ok(roundTrip && roundTrip.passes >= 3 && roundTrip.fails === 0, JSON.stringify(r.checks));
    assert.ok(r.thresholds.filter((t) => t.source === 'scenario').every((t) => t.level === 'good'), JSON.stringify(r.thresholds));
  });

  it('decode (time-scaled): pre-encoded WAVs decode to their source texts under load', async () => {
    const plan = scalePlanTime(await loadPlanOrThrow(SCENARIOS + 'decode.yaml'), 0.05);
    const r = await runScenario(plan, opts());
    assert.deepEqual(r.errors, []);
    assert.equal(r.workloads[0]!.iterations, 30, '10/s for 3 s');
    const text = r.checks.find((c) => c.name.startsWith('$.text equals'));
    assert.ok(text && text.passes === 30 && text.fails === 0, JSON.stringify(r.checks));
  });
});
