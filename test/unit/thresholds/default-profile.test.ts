import assert from 'node:assert/strict';
import { profileSpecs, resolveThresholds, SEED_000_PROFILE } from '../../../harness/thresholds/default-profile.ts';
import { thresholdsSchema, toThresholdSpecs, type ThresholdSpec } from '../../../harness/thresholds/threshold-schema.ts';

function scenario(block: Record<string, unknown[]>): ThresholdSpec[] {
  return toThresholdSpecs(thresholdsSchema.parse(block));
}

/** A hasData that answers true for the listed keys only (`metric` or `metric{tag:value}`). */
function dataFor(...keys: string[]) {
  return (metric: string, filter: Record<string, string>): boolean => {
    const tags = Object.entries(filter).map(([k, v]) => `${k}:${v}`).join(',');
    return keys.includes(tags ? `${metric}{${tags}}` : metric);
  };
}

const everything = (): boolean => true;

describe('default threshold profile', () => {
  it('states seed 000 table line by line', () => {
    const rows = profileSpecs('seed-000', ['echo']).map((s) => `${s.key} ${s.stat.text} good ${s.goodText} warning ${s.warningText}`);
    assert.deepEqual(rows, [
      'component_cpu{component:echo} avg good < 70% warning < 85%',
      'component_memory_of_limit{component:echo} max good < 80% warning < 90%',
      'http_req_duration p(95) good < 100ms warning < 500ms',
      'http_req_failed rate good < 0.1% warning < 1%',
      'connection_success rate good > 99.9% warning > 99%',
      'reconcile_lag p(95) good < 5s warning < 30s',
    ]);
  });

  it('converts the table to the units evaluation compares in', () => {
    const byKey = new Map(profileSpecs('seed-000', []).map((s) => [s.key, s]));
    assert.equal(byKey.get('http_req_failed')!.good.value, 0.001);
    assert.equal(byKey.get('connection_success')!.warning!.value, 0.99);
    assert.equal(byKey.get('reconcile_lag')!.warning!.value, 30_000);
    assert.ok(profileSpecs('seed-000', []).every((s) => s.source === 'default-profile' && !s.abortOnCritical));
  });

  it('expands component lines once per component', () => {
    const keys = profileSpecs('seed-000', ['echo', 'proxy']).filter((s) => s.metric === 'component_cpu').map((s) => s.key);
    assert.deepEqual(keys, ['component_cpu{component:echo}', 'component_cpu{component:proxy}']);
    assert.equal(SEED_000_PROFILE.filter((l) => l.perComponent).length, 2);
  });

  it('has no lines in the none profile', () => {
    assert.deepEqual(profileSpecs('none', ['echo']), []);
  });

  describe('resolveThresholds', () => {
    it('adds only the default lines whose metric has data in this run', () => {
      const out = resolveThresholds([], { profile: 'seed-000', components: ['echo'], hasData: dataFor('http_req_duration', 'http_req_failed', 'component_cpu{component:echo}') });
      assert.deepEqual(out.map((s) => s.key), ['component_cpu{component:echo}', 'http_req_duration', 'http_req_failed']);
    });

    it('lets a scenario line replace the default line with the same key', () => {
      const mine = scenario({ http_req_duration: ['p(99) < 250ms'] });
      const out = resolveThresholds(mine, { profile: 'seed-000', components: [], hasData: everything });
      const latency = out.filter((s) => s.key === 'http_req_duration');
      assert.equal(latency.length, 1);
      assert.equal(latency[0]!.source, 'scenario');
      assert.equal(latency[0]!.stat.text, 'p(99)');
    });

    it('keeps the default line when the scenario only judges a tagged sub-metric', () => {
      const mine = scenario({ 'http_req_duration{name:encode}': ['p(95) < 10ms'] });
      const out = resolveThresholds(mine, { profile: 'seed-000', components: [], hasData: everything });
      assert.deepEqual(out.filter((s) => s.metric === 'http_req_duration').map((s) => `${s.key} ${s.source}`), [
        'http_req_duration{name:encode} scenario',
        'http_req_duration default-profile',
      ]);
    });

    it('lets a per-component scenario line replace that component only', () => {
      const mine = scenario({ 'component_cpu{component:echo}': [{ stat: 'avg', good: '< 50%', warning: '< 60%' }] });
      const out = resolveThresholds(mine, { profile: 'seed-000', components: ['echo', 'proxy'], hasData: everything });
      assert.deepEqual(out.filter((s) => s.metric === 'component_cpu').map((s) => `${s.key} ${s.source}`), [
        'component_cpu{component:echo} scenario',
        'component_cpu{component:proxy} default-profile',
      ]);
    });

    it('lets an unfiltered scenario line replace every component line of that metric', () => {
      const mine = scenario({ component_cpu: ['max < 95%'] });
      const out = resolveThresholds(mine, { profile: 'seed-000', components: ['echo', 'proxy'], hasData: everything });
      assert.deepEqual(out.filter((s) => s.metric === 'component_cpu').map((s) => s.key), ['component_cpu']);
    });

    it('keeps scenario lines whose metric has no data, so they are reported as no-data', () => {
      const mine = scenario({ reconcile_lag: ['p(95) < 1s'] });
      const out = resolveThresholds(mine, { profile: 'seed-000', components: [], hasData: () => false });
      assert.deepEqual(out.map((s) => `${s.key} ${s.source}`), ['reconcile_lag scenario']);
    });

    it('adds nothing with the none profile', () => {
      const mine = scenario({ http_req_failed: ['rate < 1%'] });
      assert.deepEqual(resolveThresholds(mine, { profile: 'none', components: ['echo'], hasData: everything }), mine);
    });
  });
});
