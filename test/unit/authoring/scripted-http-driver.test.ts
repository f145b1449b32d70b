import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTsPlanOrThrow } from '../../../harness/authoring/load-ts-scenario.ts';
import { withFunctionChecks } from '../../../harness/authoring/scripted-http-driver.ts';
import type { Driver } from '../../../harness/drivers/driver.ts';
import { compileChecks } from '../../../harness/drivers/http-checks.ts';
import { realClock } from '../../../harness/executors/clock.ts';
import { MetricsRegistry, type SeriesDelta } from '../../../harness/metrics/registry.ts';
import { createDriver } from '../../../harness/run/create-driver.ts';

const SCRIPTED = fileURLToPath(new URL('../../fixtures/authoring/scripted-checks.ts', import.meta.url));

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: string }

async function startServer(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function total(deltas: SeriesDelta[], name: string, match: Record<string, string> = {}): { count: number; passes: number } {
  const s = deltas.filter((d) => d.name === name && Object.entries(match).every(([k, v]) => d.tags[k] === v));
  return { count: s.reduce((n, d) => n + d.count, 0), passes: s.reduce((n, d) => n + d.passes, 0) };
}

describe('the scripted http driver (request and check functions of a TypeScript scenario)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let driver: Driver | null = null;
  beforeEach(async () => { server = await startServer(); });
  afterEach(async () => {
    await driver?.close();
    driver = null;
    await server.close();
  });

  async function drive(seed: number, iterations: number): Promise<SeriesDelta[]> {
    const plan = await loadTsPlanOrThrow(SCRIPTED);
    const registry = new MetricsRegistry();
    driver = createDriver(plan.workloads['main']!, { recorder: registry, clock: realClock, endpoints: { echo: server.url }, tags: { workload: 'main' }, maxConcurrency: 2, baseDir: path.dirname(SCRIPTED), seed });
    const signal = new AbortController().signal;
    for (let i = 0; i < iterations; i++) await driver.iterate({ intendedTime: realClock.now(), vu: i % 2, iteration: i, signal });
    return registry.drain().deltas;
  }

  it('sends what the request function builds, with the block\'s headers under its own', async () => {
    await drive(7, 3);
    assert.equal(server.seen.length, 3);
    server.seen.forEach((s, i) => {
      assert.equal(s.method, 'POST');
      assert.match(s.url, new RegExp(`^/items/${i}\\?r=\\d+$`));
      assert.deepEqual(JSON.parse(s.body), { vu: i % 2 });
      assert.equal(s.headers['content-type'], 'application/json');
      assert.equal(s.headers['x-default'], 'yes');
      assert.equal(s.headers['x-over'], 'request');
    });
  });

  it('gives ctx.random() the same numbers for the same seed and iteration, other numbers for another seed', async () => {
    await drive(7, 3);
    const first = server.seen.map((s) => s.url);
    server.seen.length = 0;
    await driver!.close();
    await drive(7, 3);
    assert.deepEqual(server.seen.map((s) => s.url), first);
    server.seen.length = 0;
    await driver!.close();
    await drive(8, 3);
    assert.notDeepEqual(server.seen.map((s) => s.url), first);
  });

  it('judges data checks then check functions: true passes; false, a reason string or a throw fails the request', async () => {
    const d = await drive(7, 3);
    assert.deepEqual(Object.values(total(d, 'checks', { check: 'status is 200' })), [3, 3]);
    assert.deepEqual(Object.values(total(d, 'checks', { check: 'check 2' })), [3, 3]);
    assert.deepEqual(Object.values(total(d, 'checks', { check: 'has body' })), [3, 3]);
    assert.deepEqual(Object.values(total(d, 'checks', { check: 'throws' })), [3, 0]);
    // `throws` fails every request; the http_req_failed rate counts failed as true.
    assert.deepEqual(Object.values(total(d, 'http_req_failed', { name: 'item', method: 'POST', status: '200' })), [3, 3]);
  });

  it('counts a request function that throws as a failed request with error SCRIPT_ERROR, and sends nothing for it', async () => {
    const d = await drive(7, 5);
    assert.equal(server.seen.length, 4);
    assert.deepEqual(server.seen.map((s) => s.url.split('?')[0]), ['/items/0', '/items/1', '/items/2', '/items/4']);
    assert.equal(total(d, 'http_reqs', { error: 'SCRIPT_ERROR' }).count, 1);
  });

  it('returns the base checks unchanged when there is no check function, and reasons as failures when there are', () => {
    const base = compileChecks([{ status: 200 }]);
    assert.equal(withFunctionChecks(base, []), base);
    const combined = withFunctionChecks(base, [{ name: 'reason', check: () => 'too short' }, { name: 'yes', check: (r) => r.status === 200 }]);
    const results: boolean[] = [];
    assert.equal(combined.evaluate(200, Buffer.from('x'), results), true);
    assert.deepEqual(results, [true, false, true]);
    assert.deepEqual(combined.descriptions, ['status is 200', 'reason', 'yes']);
  });
});
