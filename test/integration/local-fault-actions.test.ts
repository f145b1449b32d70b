import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { Cluster, ComponentSpec, FaultSpec } from '../../clusters/cluster.ts';
import { localProvider } from '../../clusters/providers/local-provider.ts';
import { CaplabError } from '../../harness/errors.ts';
import { alive } from '../support/scenario-text.ts';

function spec(overrides: Partial<ComponentSpec> = {}): ComponentSpec {
  return { name: 'echo', component: 'echo', flags: {}, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 15_000 }, ...overrides };
}

function fault(overrides: Partial<FaultSpec>): FaultSpec {
  return { action: 'drain', component: 'echo', replica: 0, downForMs: 0, graceful: false, ...overrides };
}

/** GET with a fresh connection; resolves with the status and how long it took, ms. */
function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - start }));
    }).on('error', reject).end();
  });
}

async function pidsOf(cluster: Cluster, component: string): Promise<number[]> {
  return (await cluster.sampler().sample()).find((s) => s.component === component)?.pids ?? [];
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('fault actions drain, sighup, delay and blackhole on the local provider', function () {
  this.timeout(60_000);
  let cluster: Cluster | undefined;
  let lines: string[] = [];

  beforeEach(async () => {
    lines = [];
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: (l) => lines.push(l) }, new AbortController().signal);
  });

  afterEach(async () => {
    const pids = cluster ? (await cluster.sampler().sample()).flatMap((s) => s.pids) : [];
    await cluster?.down();
    cluster = undefined;
    assert.deepEqual(pids.filter(alive), [], 'no component process is left behind');
  });

  it('drain sends SIGTERM, lets the replica drain and leaves it down', async () => {
    const { echo: url } = await cluster!.deploy([spec()]);
    const [pid] = await pidsOf(cluster!, 'echo');
    await cluster!.inject(fault({ action: 'drain' }));
    assert.equal(alive(pid!), false);
    assert.deepEqual(await pidsOf(cluster!, 'echo'), [], 'not started again');
    assert.ok(lines.some((l) => /draining/.test(l) && /SIGTERM/.test(l)), 'it logged a SIGTERM drain');
    await assert.rejects(timedGet(`${url}/x`), /ECONNREFUSED/);
  });

  it('sighup reloads a proxy in place (same PID, next config generation)', async () => {
    const endpoints = await cluster!.deploy([
      spec(),
      spec({ name: 'front', component: 'proxy', flags: { upstreams: '{{endpoint echo}}', configJson: '{"workers":1}' }, readiness: { path: '/healthz', timeoutMs: 15_000 } }),
    ]);
    const [pid] = await pidsOf(cluster!, 'front');
    assert.equal(await gauge(`${endpoints.front}/metrics`, 'proxy_config_generation'), 1);
    await cluster!.inject(fault({ action: 'sighup', component: 'front' }));
    const deadline = performance.now() + 10_000;
    while (await gauge(`${endpoints.front}/metrics`, 'proxy_config_generation') !== 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await gauge(`${endpoints.front}/metrics`, 'proxy_config_generation'), 2);
    assert.deepEqual(await pidsOf(cluster!, 'front'), [pid]);
    assert.equal((await timedGet(`${endpoints.front}/x`)).status, 200);
  });

  it('sighup on a component that does not handle it is reported with a coded error', async () => {
    await cluster!.deploy([spec()]);
    await assert.rejects(cluster!.inject(fault({ action: 'sighup' })), (err: unknown) => err instanceof CaplabError && /exited on SIGHUP/.test(err.message));
  });

  it('delay adds its latency on the listener for its duration, then the replica answers at once again', async () => {
    const { echo: url } = await cluster!.deploy([spec({ interpose: true })]);
    const before = await timedGet(`${url}/x`);
    const delayed = cluster!.inject(fault({ action: 'delay', durationMs: 1_500, latencyMs: 150 }));
    await new Promise((r) => setTimeout(r, 50));
    const during = await timedGet(`${url}/x`);
    assert.equal(during.status, 200);
    // two chunks cross the interposer (request, response), each held 150 ms
    assert.ok(during.ms >= 290, `a request during the delay took ${during.ms.toFixed(0)} ms`);
    await delayed;
    const after = await timedGet(`${url}/x`);
    assert.ok(after.ms < 150, `after the delay it took ${after.ms.toFixed(0)} ms (before: ${before.ms.toFixed(0)} ms)`);
  });

  it('blackhole answers nothing for its duration, and a request held meanwhile is answered once it lifts', async () => {
    const { echo: url } = await cluster!.deploy([spec({ interpose: true })]);
    const start = performance.now();
    const holed = cluster!.inject(fault({ action: 'blackhole', durationMs: 800 }));
    await new Promise((r) => setTimeout(r, 50));
    let answeredAt = 0;
    const held = timedGet(`${url}/x`).then((r) => { answeredAt = performance.now() - start; return r; });
    await holed;
    const liftedAt = performance.now() - start;
    assert.equal((await held).status, 200);
    assert.ok(answeredAt >= 790 && answeredAt >= liftedAt - 5, `answered at ${answeredAt.toFixed(0)} ms, lifted at ${liftedAt.toFixed(0)} ms`);
  });

  it('delay on a component deployed without an interposer is refused with a hint', async () => {
    await cluster!.deploy([spec()]);
    await assert.rejects(cluster!.inject(fault({ action: 'delay', durationMs: 100, latencyMs: 10 })), /has no interposer in front of its listener/);
  });
});
