import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { exportArtillery } from '../../../harness/authoring/export-artillery.ts';
import { importArtillery } from '../../../harness/authoring/import-artillery.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { loadPlanOrThrow, parseScenario } from '../../../harness/plan/load-scenario.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVERY = `${ROOT}test/fixtures/authoring/every-http-form.yaml`;
const SHOP = `${ROOT}test/fixtures/artillery/shop-flow.yml`;

describe('Artillery scripts: caplab export --format artillery', () => {
  it('writes a constant rate as one phase with maxVusers, checks for the expect plugin and thresholds for ensure (listed as a plugin)', async () => {
    const out = exportArtillery(await loadPlanOrThrow(`${ROOT}scenarios/echo/constant-rate.yaml`), 'constant-rate.yaml');
    const doc = parse(out.text) as { config: Record<string, unknown>; scenarios: { flow: Record<string, unknown>[] }[] };
    assert.deepEqual(doc.config['phases'], [{ name: 'constant', duration: 10, arrivalRate: 500, maxVusers: 500 }]);
    assert.deepEqual(doc.config['plugins'], { expect: { reportFailuresAsErrors: true, outputFormat: 'silent' }, ensure: {} });
    assert.deepEqual(doc.config['ensure'], { conditions: [{ expression: 'http.response_time.p95 < 100' }, { expression: 'http.response_time.p99 < 250' }], maxErrorRate: 0.1 });
    assert.deepEqual(doc.scenarios[0]!.flow, [{ get: { url: '/api/items', expect: [{ statusCode: 200 }] } }]);
    assert.ok(out.notes.some((n) => /dropped_iterations count == 0: no Artillery metric/.test(n)), out.notes.join('\n'));
  });

  it('writes ramping stages as rampTo phases, a start delay as a pause, and a weighted mix as weighted scenarios', async () => {
    const out = exportArtillery(await loadPlanOrThrow(EVERY), 'every.yaml', 'mix');
    const doc = parse(out.text) as { config: Record<string, unknown>; scenarios: Record<string, unknown>[] };
    assert.deepEqual(doc.config['phases'], [
      { name: 'mix-0', duration: 10, arrivalRate: 1, rampTo: 2.5, maxVusers: 10 },
      { name: 'mix-1', duration: 5, arrivalRate: 2.5, rampTo: 0, maxVusers: 10 },
    ]);
    assert.equal(doc.config['target'], 'http://127.0.0.1:9000/base');
    assert.deepEqual(doc.scenarios.map((s) => [s['name'], s['weight']]), [['read', 3], ['write', 1], ['text', 1]]);
    assert.ok(out.notes.some((n) => /randomBytes: no Artillery counterpart/.test(n)));
    const single = parse(exportArtillery(await loadPlanOrThrow(EVERY), 'every.yaml', 'single').text) as { config: { phases: unknown[] }; scenarios: { flow: Record<string, Record<string, unknown>>[] }[] };
    assert.deepEqual(single.config.phases[0], { pause: 1, name: 'single-start-delay' });
    const post = single.scenarios[0]!.flow[0]!['post']!;
    assert.equal(post['url'], '/items/{{ $randomNumber(1, 100) }}?it=0&vu=0');
    assert.deepEqual(post['json'], { text: 'hello {{ $randomString(8) }}', n: 3, ok: true, list: [1, 'x'] });
    assert.deepEqual(post['expect'], [{ statusCode: 200 }, { matchesRegexp: 'hello' }, { hasProperty: 'items.0.id' }]);
  });

  it('needs --workload when several workloads could go, and refuses a closed-model one, pointing at k6', async () => {
    const plan = await loadPlanOrThrow(EVERY);
    assert.throws(() => exportArtillery(plan, 'e'), (e: unknown) => e instanceof CaplabError && /pick one with --workload NAME/.test(e.message) && /single, mix/.test(e.message));
    assert.throws(() => exportArtillery(plan, 'e', 'flow'), (e: unknown) => e instanceof CaplabError && /not constant-vus/.test(e.message));
    const closed = await loadPlanOrThrow(`${ROOT}scenarios/echo/closed-max.yaml`);
    assert.throws(() => exportArtillery(closed, 'c'), (e: unknown) => e instanceof CaplabError && /no closed model/.test(e.message) && /k6/.test(e.hint));
  });
});

describe('Artillery scripts: caplab import', () => {
  const imported = () => importArtillery(readFileSync(SHOP, 'utf8'), 'shop-flow.yml', { name: 'shop', schemaRef: '../scenario.schema.json' });

  it('turns phases into ramping-arrival-rate stages (a jump is a 0 s stage, a pause a stage at 0/s) with maxVusers as maxVUs', () => {
    const out = parse(imported().text) as { workloads: { main: Record<string, unknown> } };
    const w = out.workloads.main;
    assert.equal(w['executor'], 'ramping-arrival-rate');
    assert.equal(w['startRate'], '5/s');
    assert.deepEqual(w['stages'], [{ duration: '10s', target: '20/s' }, { duration: '30s', target: '20/s' }, { duration: '0ms', target: '0/s' }, { duration: '5s', target: '0/s' }]);
    assert.equal(w['maxVUs'], 200);
  });

  it('turns a flow into steps with captures and checks, templates into caplab\'s, and ensure into thresholds', () => {
    const { text, notes } = imported();
    assert.ok(text.startsWith('# yaml-language-server: $schema=../scenario.schema.json\n'));
    const s = parse(text) as { workloads: { main: { http: { target: string; timeout: string; steps: Record<string, unknown>[] } } }; thresholds: Record<string, string[]> };
    const http = s.workloads.main.http;
    assert.equal(http.target, 'http://127.0.0.1:8080');
    assert.equal(http.timeout, '5s');
    assert.deepEqual(http.steps.map((st) => st['name']), ['list', 'add-to-cart', 'checkout']);
    assert.equal(http.steps[0]!['path'], '/products?page={{randInt 1 5}}');
    assert.deepEqual(http.steps[0]!['capture'], { productId: '$.items[0].id' });
    assert.deepEqual(http.steps[0]!['checks'], [{ status: 200 }, { jsonPath: '$.items[0].id', exists: true }]);
    assert.deepEqual(http.steps[1]!['body'], { json: { product: '{{var productId}}', qty: 1 } });
    assert.deepEqual(http.steps[1]!['capture'], { cartId: 'header:x-cart-id' });
    assert.deepEqual(http.steps[1]!['headers'], { 'x-session': '{{randString 12}}' });
    assert.equal(http.steps[2]!['path'], '/checkout/{{var cartId}}');
    assert.deepEqual(http.steps[2]!['checks'], [{ bodyContains: 'confirmed' }]);
    assert.deepEqual(s.thresholds, { http_req_duration: ['p(99) < 250ms', 'p(95) < 100ms'], http_reqs: ['rate >= 15'], http_req_failed: ['rate <= 1%'] });
    for (const n of [/config\.processor/, /flow action think/, /contentType/, /beforeRequest/, /`or`\/`not` cannot be expressed/, /maxErrorRate counts failed virtual users/]) {
      assert.ok(notes.some((x) => n.test(x)), `no note matches ${n}`);
    }
    // Notes are in the file too, and the file is a valid scenario.
    assert.match(text, /^# - config\.processor: no caplab counterpart; left out$/m);
    assert.equal(parseScenario(text, 'shop.yaml').ok, true);
  });

  it('round-trips a constant-rate scenario through export and import', async () => {
    const exported = exportArtillery(await loadPlanOrThrow(`${ROOT}scenarios/echo/constant-rate.yaml`), 'constant-rate.yaml');
    const back = parse(importArtillery(exported.text, 'x.yml', { name: 'back', schemaRef: 's.json' }).text) as { workloads: { main: Record<string, unknown> }; thresholds: Record<string, string[]> };
    assert.equal(back.workloads.main['executor'], 'constant-arrival-rate');
    assert.equal(back.workloads.main['rate'], '500/s');
    assert.equal(back.workloads.main['duration'], '10s');
    assert.deepEqual((back.workloads.main['http'] as { checks: unknown }).checks, [{ status: 200 }]);
    assert.deepEqual(back.thresholds['http_req_duration'], ['p(95) < 100ms', 'p(99) < 250ms']);
  });

  it('refuses what is not an Artillery script, saying what it needs', () => {
    for (const text of ['config: [', 'scenarios: []', 'config: { target: http://x, phases: [] }\nscenarios: [{ flow: [{ get: { url: / } }] }]']) {
      assert.throws(() => importArtillery(text, 'a.yml', { name: 'a', schemaRef: 's' }), (e: unknown) => e instanceof CaplabError && e.code === 'CAPLAB_ERR_IMPORT');
    }
    assert.throws(() => importArtillery('config: { target: "http://127.0.0.1:1", phases: [{ duration: 1, arrivalRate: 1 }] }\nscenarios: [{ flow: [{ think: 1 }] }]', 'a.yml', { name: 'a', schemaRef: 's' }), (e: unknown) => e instanceof CaplabError && /no HTTP request caplab can send/.test(e.message));
  });
});
