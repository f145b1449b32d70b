import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import type { Plan } from '../../../harness/plan/plan.ts';
import { ComponentScraper } from '../../../harness/run/component-scraper.ts';
import type { RunResult } from '../../../reports/run-result.ts';

function plan(scrape: string, sampleInterval = '1s'): Plan {
  const text = `name: scrape-test
sampleInterval: ${sampleInterval}
components:
  tunnel:
    component: tunnel-server
    scrape: ${scrape}
workloads:
  ramp:
    executor: constant-arrival-rate
    rate: 10/s
    duration: 10s
    startTime: 5s
    http: { target: tunnel, path: / }
`;
  const out = parseScenario(text, 'scrape-test.yaml');
  if (!out.ok) throw new Error(out.issues.map((i) => i.message).join('; '));
  return out.plan;
}

/** A /metrics page whose body the test sets. */
async function metricsServer(): Promise<{ url: string; page: { body: string; status: number }; server: Server }> {
  const page = { body: '', status: 200 };
  const server = createServer((_req, res) => { res.writeHead(page.status, { 'content-type': 'text/plain' }); res.end(page.body); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, page, server };
}

/** The value a scrape recorded for tunnel.scrape_failures. */
async function failuresGauge(snap: Promise<{ deltas: Array<{ name: string; value?: number }> }>): Promise<number | undefined> {
  return (await snap).deltas.find((d) => d.name === 'tunnel.scrape_failures')?.value;
}

describe('ComponentScraper (scrape: on a component)', () => {
  it('is null when no component scrapes', () => {
    const p = parseScenario('name: x\nworkloads:\n  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: "http://127.0.0.1:1", path: / } }\n', 'x.yaml');
    assert.ok(p.ok);
    assert.equal(ComponentScraper.fromPlan(p.plan, {}, () => {}), null);
  });

  it('records each metric, summed over labels, as the gauge <component>.<metric>', async () => {
    const m = await metricsServer();
    try {
      const s = ComponentScraper.fromPlan(plan('{ metrics: [tunnel_streams_opened_total], perUnit: { tunnel_agents_connected: agent } }'), { tunnel: m.url }, () => {})!;
      m.page.body = '# TYPE tunnel_agents_connected gauge\ntunnel_agents_connected 42\ntunnel_streams_opened_total{kind="http"} 5\ntunnel_streams_opened_total{kind="connect"} 2\n';
      const snap = await s.scrape(1);
      const byName = Object.fromEntries(snap.deltas.map((d) => [d.name, d]));
      assert.equal(byName['tunnel.tunnel_agents_connected']?.value, 42);
      assert.equal(byName['tunnel.tunnel_streams_opened_total']?.value, 7);
      assert.equal(byName['tunnel.tunnel_agents_connected']?.type, 'gauge');
      assert.deepEqual(byName['tunnel.tunnel_agents_connected']?.tags, { component: 'tunnel' });
    } finally {
      m.server.close();
    }
  });

  it('counts a refused scrape, a 503 and a missing metric, notes each once, and never throws', async () => {
    const m = await metricsServer();
    const notes: string[] = [];
    const s = ComponentScraper.fromPlan(plan('{ metrics: [present, absent] }'), { tunnel: m.url }, (n) => notes.push(n))!;
    const failuresSoFar: Array<number | undefined> = [];
    try {
      m.page.body = 'present 1\nthis is not prometheus\n';
      failuresSoFar.push(await failuresGauge(s.scrape(1)));
      failuresSoFar.push(await failuresGauge(s.scrape(2)));
      m.page.status = 503;
      failuresSoFar.push(await failuresGauge(s.scrape(3)));
    } finally {
      m.server.close();
    }
    failuresSoFar.push(await failuresGauge(s.scrape(4)));
    assert.deepEqual(failuresSoFar, [0, 0, 1, 2], 'the gauge tunnel.scrape_failures counts failed scrapes so far');
    const r = s.report({ resources: [], series: {} } as unknown as RunResult);
    assert.deepEqual(r.components, [{ component: 'tunnel', scrapes: 4, failures: 2, lastFailure: r.components[0]!.lastFailure, missing: ['absent'], badLines: 2 }]);
    assert.match(r.components[0]!.lastFailure!, /ECONNREFUSED|other side closed|fetch failed|connect/i);
    assert.equal(notes.filter((n) => /has no absent/.test(n)).length, 1, notes.join('\n'));
    assert.equal(notes.filter((n) => /failed: status 503/.test(n)).length, 1, notes.join('\n'));
    assert.equal(notes.filter((n) => /not Prometheus text/.test(n)).length, 1, notes.join('\n'));
  });

  it('scrapes only at resource samples (sampleInterval)', async () => {
    const m = await metricsServer();
    try {
      const s = ComponentScraper.fromPlan(plan('{ metrics: [up] }', '2s'), { tunnel: m.url }, () => {})!;
      m.page.body = 'up 1\n';
      assert.equal((await s.scrape(1)).deltas.length, 0);
      assert.deepEqual((await s.scrape(2)).deltas.map((d) => d.name).sort(), ['tunnel.scrape_failures', 'tunnel.up']);
    } finally {
      m.server.close();
    }
  });

  it('fits perUnit over the named workload\'s window and reports it', () => {
    const s = ComponentScraper.fromPlan(plan('{ perUnit: { tunnel_agents_connected: { unit: agent, during: ramp } } }'), { tunnel: 'http://127.0.0.1:1' }, () => {})!;
    const ts = Array.from({ length: 20 }, (_, i) => i + 1);
    // Inside the ramp window (5 < t <= 15) RSS grows 10 KiB per agent; outside it does not follow.
    const result = {
      resources: [{ component: 'tunnel', samples: ts.map((t) => ({ t, cpuPercent: 1, rssBytes: t > 5 && t <= 15 ? 5e7 + 10_240 * 10 * t : 9e7 })) }],
      series: { 'tunnel.tunnel_agents_connected': ts.map((t) => ({ t, count: 1, value: 10 * t })) },
    } as unknown as RunResult;
    const [fit] = s.report(result).perUnit;
    assert.deepEqual([fit!.from, fit!.to, fit!.n, fit!.during], [5, 15, 10, 'ramp']);
    assert.ok(Math.abs(fit!.bytesPerUnit! - 10_240) < 1e-6);
  });

  it('refuses a perUnit.during that names no workload, saying which workloads exist', () => {
    assert.throws(() => ComponentScraper.fromPlan(plan('{ perUnit: { x: { unit: agent, during: nope } } }'), { tunnel: 'http://127.0.0.1:1' }, () => {}),
      (err: Error & { code?: string; hint?: string }) => err.code === 'CAPLAB_ERR_SCENARIO_INVALID' && /during names workload "nope"/.test(err.message) && /ramp/.test(err.hint ?? ''));
  });

  it('rejects a scrape: block that names no metric, at validation', () => {
    const out = parseScenario('name: x\ncomponents:\n  a: { component: echo, scrape: { path: /metrics } }\nworkloads:\n  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: a, path: / } }\n', 'x.yaml');
    assert.equal(out.ok, false);
    assert.ok(!out.ok && out.issues.some((i) => /at least one metric/.test(i.message)));
  });
});
