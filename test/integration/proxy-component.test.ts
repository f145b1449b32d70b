import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { Cluster, ComponentSpec } from '../../clusters/cluster.ts';
import { localProvider } from '../../clusters/providers/local-provider.ts';
import type { Endpoints } from '../../harness/drivers/driver.ts';
import { alive } from '../support/scenario-text.ts';

function echo(name: string, flags: ComponentSpec['flags'] = {}): ComponentSpec {
  return { name, component: 'echo', flags, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 15_000 } };
}

/** Every behaviour below is checked on the full path and on the experimental fast path (`fastPath: true`). */
let fastPath = false;

function proxy(upstreams: string[], config: object, flags: ComponentSpec['flags'] = {}): ComponentSpec {
  return {
    name: 'front', component: 'proxy', env: {}, replicas: 1, readiness: { path: '/healthz', timeoutMs: 20_000 },
    flags: { upstreams: upstreams.map((u) => `{{endpoint ${u}}}`).join(','), configJson: JSON.stringify({ fastPath, ...config }), ...flags },
  };
}

/** Prometheus sample value: `name{labels}` as written on the page, summed if it matches several. */
async function metric(url: string, prefix: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(prefix) && /[ }]/.test(l[prefix.length] ?? '')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

async function get(pool: Pool, path = '/x'): Promise<{ status: number; body: string }> {
  const r = await pool.request({ path, method: 'GET' });
  return { status: r.statusCode, body: await r.body.text() };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const mode of [false, true]) describe(`proxy component with real echo upstreams${mode ? ' (fast path)' : ''}`, function () {
  this.timeout(90_000);
  before(() => { fastPath = mode; });
  let cluster: Cluster;
  let lines: string[];
  let pools: Pool[] = [];

  beforeEach(async () => {
    lines = [];
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: (l) => lines.push(l) }, new AbortController().signal);
  });

  afterEach(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    pools = [];
    const pids = (await cluster.sampler().sample()).flatMap((s) => s.pids);
    await cluster.down();
    await until('every process to exit', async () => pids.filter(alive).length === 0 && !(await workersAlive()), 8_000);
  });

  function poolFor(e: Endpoints): Pool {
    const p = new Pool(e.front!, { connections: 8 });
    pools.push(p);
    return p;
  }

  it('ejects a killed upstream after the configured consecutive failures and serves from the rest', async () => {
    const e = await cluster.deploy([echo('a'), echo('b'), echo('c'), proxy(['a', 'b', 'c'], {
      workers: 1, retryOnConnectError: false, healthCheck: { enabled: false },
      outlierDetection: { consecutiveFailures: 3, baseEjectionTime: '60s', maxEjectionPercent: 34 }, circuitBreaker: { enabled: false },
    })]);
    const pool = poolFor(e);
    for (let i = 0; i < 9; i++) assert.equal((await get(pool)).status, 200);
    await cluster.inject({ action: 'kill', component: 'b', replica: 0, downForMs: 0, graceful: false });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await get(pool)).status);
    const failed = statuses.filter((s) => s !== 200).length;
    assert.ok(failed >= 1 && failed <= 3, `failed requests: ${failed} (ejection after 3 in a row)`);
    assert.ok(statuses.slice(-45).every((s) => s === 200), 'after the ejection every request is served');
    assert.equal(await metric(e.front!, `proxy_upstream_ejected{upstream="${e.b}"`), 1);
    assert.ok(lines.some((l) => /upstream ejected/.test(l) && /"lastFailure":"ECONNREFUSED"/.test(l)), 'the worker logs the ejection and the failure that tipped it');
    assert.equal(await metric(e.front!, 'proxy_requests_total{outcome="upstream_error"'), failed);
  });

  it('retries a refused connection on another upstream, so a killed upstream costs no request', async () => {
    const e = await cluster.deploy([echo('a'), echo('b'), proxy(['a', 'b'], { workers: 1, healthCheck: { enabled: false }, outlierDetection: { consecutiveFailures: 2, maxEjectionPercent: 50 } })]);
    const pool = poolFor(e);
    await cluster.inject({ action: 'kill', component: 'a', replica: 0, downForMs: 0, graceful: false });
    for (let i = 0; i < 20; i++) assert.equal((await get(pool)).status, 200);
  });

  it('opens the breaker after failureThreshold failures and fails fast until the recovery timeout', async () => {
    const e = await cluster.deploy([echo('bad', { status: 503 }), proxy(['bad'], {
      workers: 1, healthCheck: { enabled: false }, outlierDetection: { enabled: false }, circuitBreaker: { failureThreshold: 3, recoveryTimeout: '60s' },
    })]);
    const pool = poolFor(e);
    for (let i = 0; i < 3; i++) assert.equal((await get(pool)).status, 503);
    const fast = await get(pool);
    assert.deepEqual(fast, { status: 503, body: 'no healthy upstream\n' }, 'answered by the proxy, not the upstream');
    assert.equal(await metric(e.front!, `proxy_breaker_open{upstream="${e.bad}"`), 1);
    assert.equal(await metric(e.front!, `proxy_breaker_state{upstream="${e.bad}",state="open"`), 1);
    const perWorker = (await (await fetch(`${e.front!}/metrics`)).text()).split('\n').filter((l) => l.startsWith('proxy_worker_breaker_state{'));
    assert.equal(perWorker.length, 1, 'one worker, one upstream');
    assert.match(perWorker[0]!, new RegExp(`^proxy_worker_breaker_state\\{worker="\\d+",generation="1",upstream="${e.bad}"\\} 2$`), 'open = 2');
    assert.equal(await metric(e.front!, 'proxy_requests_total{outcome="upstream_5xx"'), 3);
    assert.equal(await metric(e.front!, 'proxy_requests_total{outcome="no_upstream"'), 1);
    assert.ok(lines.some((l) => /circuit breaker opened/.test(l) && /"lastFailure":"status 503"/.test(l)), 'the worker logs the opening and the failure that tipped it');
  });

  it('does not count clients that went away against the upstream', async () => {
    const e = await cluster.deploy([echo('slow', { delay: '400ms' }), proxy(['slow'], {
      workers: 1, healthCheck: { enabled: false }, outlierDetection: { consecutiveFailures: 2 }, circuitBreaker: { failureThreshold: 2 },
    })]);
    const pool = poolFor(e);
    await Promise.all(Array.from({ length: 6 }, async () => {
      await assert.rejects(pool.request({ path: '/x', method: 'GET', signal: AbortSignal.timeout(50) }));
    }));
    await until('the aborts counted', async () => (await metric(e.front!, 'proxy_requests_total{outcome="client_abort"')) === 6);
    assert.equal(await metric(e.front!, 'proxy_breaker_opens_total'), 0);
    assert.equal(await metric(e.front!, 'proxy_upstream_ejections_total'), 0);
    assert.equal(await metric(e.front!, 'proxy_upstream_failures_total'), 0);
    assert.equal((await get(pool)).status, 200);
  });

  it('marks an upstream down by active health checks (fall) and back up (rise)', async () => {
    const e = await cluster.deploy([echo('a'), echo('b'), proxy(['a', 'b'], { workers: 1, healthCheck: { interval: '100ms', timeout: '50ms', rise: 2, fall: 2 } })]);
    await cluster.inject({ action: 'restart', component: 'b', replica: 0, downForMs: 1_500, graceful: false }).then(() => {});
    // the restart is over here; it was down for 1.5 s, i.e. ~15 checks
    assert.ok(await metric(e.front!, `proxy_health_checks_total{upstream="${e.b}",result="failed"`) >= 2);
    await until('b healthy again', async () => (await metric(e.front!, `proxy_upstream_healthy{upstream="${e.b}"`)) === 1);
  });

  it('reloads on SIGHUP under load without failing a request, and drains the old workers', async () => {
    const e = await cluster.deploy([echo('a'), echo('b'), proxy(['a', 'b'], { workers: 2 }, { reloadJson: '{"workers":1}' })]);
    const pool = poolFor(e);
    let stop = false;
    const statuses: number[] = [];
    const errors: string[] = [];
    const loops = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try { statuses.push((await get(pool)).status); } catch (err) { errors.push((err as Error).message); }
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    await cluster.inject({ action: 'sighup', component: 'front', replica: 0, downForMs: 0, graceful: false });
    await until('generation 2', async () => (await metric(e.front!, 'proxy_config_generation')) === 2);
    await until('old workers gone', async () => (await metric(e.front!, 'proxy_workers')) === 1);
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(loops);
    assert.deepEqual(errors, []);
    assert.ok(statuses.length > 100, `${statuses.length} requests made`);
    assert.deepEqual([...new Set(statuses)], [200]);
    assert.equal(await metric(e.front!, 'proxy_requests_total{outcome="ok"'), statuses.length, 'counters of the retired workers are kept');
  });

  it('keeps serving the previous config when the reloaded one is invalid, and says why', async () => {
    const e = await cluster.deploy([echo('a'), proxy(['a'], { workers: 1 }, { reloadJson: '{"healthCheck":{"rise":0}}' })]);
    const pool = poolFor(e);
    await cluster.inject({ action: 'sighup', component: 'front', replica: 0, downForMs: 0, graceful: false });
    await until('the rejection', async () => (await metric(e.front!, 'proxy_config_reloads_total{result="rejected"')) === 1);
    assert.equal(await metric(e.front!, 'proxy_config_generation'), 1);
    assert.equal(await metric(e.front!, 'proxy_workers'), 1);
    assert.equal((await get(pool)).status, 200);
    assert.ok(lines.some((l) => /new config rejected/.test(l) && /healthCheck\.rise/.test(l)), 'the log names the bad field');
  });

  it('replaces a serving worker that crashes', async () => {
    const e = await cluster.deploy([echo('a'), proxy(['a'], { workers: 2 })]);
    const [primary] = (await cluster.sampler().sample()).find((s) => s.component === 'front')!.pids;
    const workers = childPids(primary!);
    assert.equal(workers.length, 2);
    // workers run the compiled worker file with bare node, not the TypeScript sources through tsx
    for (const pid of workers) assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /caplab-proxy-worker-[0-9a-f]{16}\.mjs/);
    process.kill(workers[0]!, 'SIGKILL');
    await until('a replacement worker', async () => childPids(primary!).filter((p) => !workers.includes(p)).length === 1);
    await until('two workers serving', async () => (await metric(e.front!, 'proxy_workers')) === 2);
    assert.equal((await get(poolFor(e))).status, 200);
    assert.ok(lines.some((l) => /a serving worker exited; starting a replacement/.test(l)));
  });

  it('forwards end-to-end headers both ways, drops hop-by-hop ones and appends X-Forwarded-For', async () => {
    const upstream = createServer((req, res) => {
      res.writeHead(201, ['x-seen', JSON.stringify(req.headers), 'set-cookie', 'a=1', 'set-cookie', 'b=2', 'keep-alive', 'timeout=5', 'x-custom', 'v']);
      res.end('body');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const e = await cluster.deploy([{ ...proxy([], { workers: 1, healthCheck: { enabled: false } }), flags: { upstreams: origin, configJson: JSON.stringify({ fastPath, workers: 1, healthCheck: { enabled: false } }) } }]);
      const r = await poolFor(e).request({ path: '/h?q=1', method: 'GET', headers: { 'x-req': 'r', 'x-forwarded-for': '10.0.0.1', 'proxy-connection': 'keep-alive' } });
      assert.equal(await r.body.text(), 'body');
      assert.equal(r.statusCode, 201);
      assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(r.headers['x-custom'], 'v');
      assert.notEqual(r.headers['keep-alive'], 'timeout=5', "the upstream's Keep-Alive is its hop's, not the client's");
      const seen = JSON.parse(String(r.headers['x-seen'])) as Record<string, string>;
      assert.equal(seen['x-req'], 'r');
      assert.equal(seen['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
      assert.equal(seen['proxy-connection'], undefined);
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('refuses to start with an invalid config, naming every problem', async () => {
    await assert.rejects(cluster.deploy([echo('a'), proxy(['a'], { workers: 0, bogus: true })]), (err: Error) => /workers/.test(err.message) && /bogus/.test(err.message));
  });
});

/** Any proxy worker process of this test process's descendants still alive? */
async function workersAlive(): Promise<boolean> {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.includes('proxy/worker-main.ts') && !cmd.includes('caplab-proxy-worker-')) continue;
      const env = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(env.slice(env.lastIndexOf(')') + 2).split(' ')[1]);
      const parentCmd = readFileSync(`/proc/${ppid}/cmdline`, 'utf8');
      if (readFileSync(`/proc/${ppid}/stat`, 'utf8').split(' ')[3] === String(process.pid) || parentCmd === '') return true;
    } catch { /* exited while we looked */ }
  }
  return false;
}

/** Live child processes of `pid`, from /proc. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(entry));
    } catch { /* exited while we looked */ }
  }
  return out;
}
