import assert from 'node:assert/strict';
import { z } from 'zod';
import { makeThresholdsSchema, thresholdsSchema, toThresholdSpecs } from '../../../harness/thresholds/threshold-schema.ts';

/** The issues of an invalid block, as `path: message` lines. */
function issues(block: unknown): { path: (string | number)[]; message: string }[] {
  const r = thresholdsSchema.safeParse(block);
  assert.equal(r.success, false, 'expected the block to be rejected');
  return r.error!.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }));
}

describe('thresholds block schema', () => {
  it('turns a string entry into a spec that is Good when it holds and Critical otherwise', () => {
    const specs = toThresholdSpecs(thresholdsSchema.parse({ http_req_duration: ['p(95) over 30s < 100ms'] }));
    assert.equal(specs.length, 1);
    const s = specs[0]!;
    assert.equal(s.key, 'http_req_duration');
    assert.equal(s.stat.text, 'p(95)');
    assert.equal(s.windowSeconds, 30);
    assert.deepEqual(s.good, { op: '<', value: 100, unit: 'ms', text: '< 100ms' });
    assert.equal(s.warning, undefined);
    assert.equal(s.abortOnCritical, false);
    assert.equal(s.gracePeriodMs, 0);
    assert.equal(s.source, 'scenario');
    assert.equal(s.goodText, '< 100ms');
  });

  it('turns an object entry into a spec with both levels, a window and a grace period in ms', () => {
    const specs = toThresholdSpecs(thresholdsSchema.parse({
      http_req_failed: [{ stat: 'rate', good: '< 0.1%', warning: '< 1%', over: '10s', abortOnCritical: true, gracePeriod: '5s' }],
    }));
    const s = specs[0]!;
    assert.equal(s.good.value, 0.001);
    assert.equal(s.warning!.value, 0.01);
    assert.equal(s.warningText, '< 1%');
    assert.equal(s.windowSeconds, 10);
    assert.equal(s.abortOnCritical, true);
    assert.equal(s.gracePeriodMs, 5000);
  });

  describe('metric keys with tag filters', () => {
    const cases: { written: string; key: string; metric: string; filter: Record<string, string> }[] = [
      { written: 'http_req_duration', key: 'http_req_duration', metric: 'http_req_duration', filter: {} },
      { written: 'http_req_duration{name:encode}', key: 'http_req_duration{name:encode}', metric: 'http_req_duration', filter: { name: 'encode' } },
      { written: 'component_cpu{component:echo,foo:bar}', key: 'component_cpu{component:echo,foo:bar}', metric: 'component_cpu', filter: { component: 'echo', foo: 'bar' } },
      { written: 'component_cpu{ foo: bar , component: echo }', key: 'component_cpu{component:echo,foo:bar}', metric: 'component_cpu', filter: { component: 'echo', foo: 'bar' } },
      { written: 'http_reqs{status:200}', key: 'http_reqs{status:200}', metric: 'http_reqs', filter: { status: '200' } },
    ];
    for (const c of cases) {
      it(`reads ${c.written} as metric ${c.metric} with filter ${JSON.stringify(c.filter)}`, () => {
        const block = thresholdsSchema.parse({ [c.written]: [c.metric === 'http_reqs' ? 'count > 0' : 'max > 0'] });
        assert.deepEqual(Object.keys(block), [c.key]);
        const s = block[c.key]![0]!;
        assert.equal(s.metric, c.metric);
        assert.deepEqual(s.filter, c.filter);
      });
    }

    it('rejects a malformed tag filter at the key', () => {
      const [i] = issues({ 'http_req_duration{name}': ['p95 < 1s'] });
      assert.deepEqual(i!.path, ['http_req_duration{name}']);
      assert.match(i!.message, /tag filter "\{name\}" of http_req_duration is malformed at "name": write \{tag:value,other:value\}/);
    });

    it('rejects two keys that name the same series', () => {
      const [i] = issues({ 'component_cpu{a:1,b:2}': ['avg < 1%'], 'component_cpu{b:2,a:1}': ['avg < 2%'] });
      assert.deepEqual(i!.path, ['component_cpu{b:2,a:1}']);
      assert.match(i!.message, /names the same series as "component_cpu\{a:1,b:2\}"/);
    });
  });

  describe('validation issues carry the path of the offending field', () => {
    const cases: { name: string; block: unknown; path: (string | number)[]; message: RegExp }[] = [
      { name: 'an unknown metric names the closest known one', block: { http_req_duraton: ['p(95) < 1s'] }, path: ['http_req_duraton'], message: /^unknown metric "http_req_duraton": did you mean http_req_duration\?$/ },
      { name: 'an unknown tagged metric names the closest known one', block: { 'compnent_cpu{component:echo}': ['avg < 70%'] }, path: ['compnent_cpu{component:echo}'], message: /did you mean component_cpu\?/ },
      { name: 'a name far from any metric lists the known ones', block: { banana: ['avg < 1'] }, path: ['banana'], message: /unknown metric "banana": use one of .*http_req_duration/ },
      { name: 'a stat that does not fit the metric type', block: { http_req_failed: [{ stat: 'p(95)', good: '< 1%' }] }, path: ['http_req_failed', 0, 'stat'], message: /statistic "p\(95\)" at column 1 does not apply to http_req_failed, a rate metric: use rate/ },
      { name: 'a gauge asked for a percentile', block: { vus: ['p(95) < 10'] }, path: ['vus', 0], message: /does not apply to vus, a gauge metric: use value, min or max/ },
      { name: 'an unparseable expression', block: { http_req_duration: ['p(95) << 1s'] }, path: ['http_req_duration', 0], message: /expected a number at column 8/ },
      { name: 'an unparseable good condition', block: { http_req_duration: [{ stat: 'p95', good: '< 10%' }] }, path: ['http_req_duration', 0, 'good'], message: /unit "%" at column 5 does not apply to a time/ },
      { name: 'a warning tighter than good', block: { http_req_duration: [{ stat: 'p95', good: '< 100ms', warning: '< 50ms' }] }, path: ['http_req_duration', 0, 'warning'], message: /warning "< 50ms" is not looser than good "< 100ms"/ },
      { name: 'a warning equal to good', block: { connection_success: [{ stat: 'rate', good: '> 99%', warning: '> 99%' }] }, path: ['connection_success', 0, 'warning'], message: /is not looser than good/ },
      { name: 'a warning in the other direction', block: { connection_success: [{ stat: 'rate', good: '> 99.9%', warning: '< 99%' }] }, path: ['connection_success', 0, 'warning'], message: /points the other way from good "> 99.9%": use > or >=/ },
      { name: 'a lower-bound warning tighter than good', block: { connection_success: [{ stat: 'rate', good: '> 99%', warning: '> 99.9%' }] }, path: ['connection_success', 0, 'warning'], message: /not looser/ },
      { name: 'a window that is not whole seconds', block: { http_req_duration: [{ stat: 'p95', good: '< 1s', over: '1500ms' }] }, path: ['http_req_duration', 0, 'over'], message: /window must be a whole number of seconds/ },
      { name: 'an unknown field in an entry', block: { http_req_duration: [{ stat: 'p95', good: '< 1s', critical: '> 1s' }] }, path: ['http_req_duration', 0], message: /./ },
      { name: 'an empty list', block: { http_req_duration: [] }, path: ['http_req_duration'], message: /write at least one threshold/ },
      { name: 'a later entry, by its index', block: { http_req_duration: ['p95 < 1s', 'avg <'] }, path: ['http_req_duration', 1], message: /expected a number at column 6/ },
    ];
    for (const c of cases) {
      it(`reports ${c.name}`, () => {
        const found = issues(c.block);
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.deepEqual(found[0]!.path, c.path);
        assert.match(found[0]!.message, c.message);
      });
    }
  });

  it('reports every problem of a block at once', () => {
    const found = issues({ http_req_duraton: ['p95 < 1s'], http_req_failed: [{ stat: 'avg', good: '< 1%' }, 'rate < nope'] });
    assert.deepEqual(found.map((i) => i.path), [['http_req_duraton'], ['http_req_failed', 0, 'stat'], ['http_req_failed', 1]]);
  });

  it('keeps its paths when embedded in a scenario schema', () => {
    const scenario = z.strictObject({ thresholds: thresholdsSchema.default({}) });
    const r = scenario.safeParse({ thresholds: { http_req_duration: [{ stat: 'p95', good: '< 100ms', warning: '< 50ms' }] } });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ['thresholds', 'http_req_duration', 0, 'warning']);
    assert.deepEqual(scenario.parse({}).thresholds, {});
  });

  it('accepts metrics a driver declares when built over a wider catalogue', () => {
    const schema = makeThresholdsSchema({ grpc_req_duration: { type: 'trend', unit: 'ms' } });
    const block = schema.parse({ grpc_req_duration: ['p(99) < 20ms'] });
    assert.equal(toThresholdSpecs(block)[0]!.good.value, 20);
  });

  it('describes every field for the generated JSON Schema', () => {
    const json = JSON.stringify(z.toJSONSchema(thresholdsSchema, { io: 'input' }));
    for (const field of ['stat', 'good', 'warning', 'over', 'abortOnCritical', 'gracePeriod']) {
      assert.match(json, new RegExp(`"${field}":\\{[^}]*"description"`), `${field} has no description`);
    }
  });
});
