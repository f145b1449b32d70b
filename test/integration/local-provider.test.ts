import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cluster, ComponentSpec } from '../../clusters/cluster.ts';
import { localProvider } from '../../clusters/providers/local-provider.ts';
import { CaplabError } from '../../harness/errors.ts';
import { referenceChildren } from '../support/child-processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

function echoSpec(overrides: Partial<ComponentSpec> = {}): ComponentSpec {
  return { name: 'echo', component: 'echo', flags: {}, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 15_000 }, ...overrides };
}

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

/** True while pid is a live process (a zombie awaiting its reaper is dead). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], withinMs: number): Promise<number[]> {
  const deadline = performance.now() + withinMs;
  while (pids.some(isAlive) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return pids.filter(isAlive);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local cluster provider', function () {
  this.timeout(30_000);
  const clusters: Cluster[] = [];
  const seenPids = new Set<number>();
  let logs: string[] = [];

  async function up(options: { allowRemoteTarget?: boolean; signal?: AbortSignal } = {}): Promise<Cluster> {
    const cluster = await localProvider.up(
      { provider: 'local', allowRemoteTarget: options.allowRemoteTarget ?? false, log: (l) => logs.push(l) },
      options.signal ?? new AbortController().signal,
    );
    clusters.push(cluster);
    return cluster;
  }

  beforeEach(() => { logs = []; });

  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.down()));
    for (const pid of referenceChildren()) seenPids.add(pid);
  });

  after(async () => {
    assert.deepEqual(await waitGone([...seenPids], 6_000), [], 'every component process is gone');
    assert.deepEqual(referenceChildren(), []);
  });

  it('deploys echo with its flags and env, and the endpoint answers as the flags say', async () => {
    const cluster = await up();
    const t0 = performance.now();
    const endpoints = await cluster.deploy([
      echoSpec({ name: 'loud', flags: { 'response-size': '1KiB', status: 201 }, env: { LOG_LEVEL: 'debug' } }),
      echoSpec({ name: 'quiet', flags: { responseSize: 5 }, env: { LOG_LEVEL: 'warn' } }),
    ]);
    const readyMs = performance.now() - t0;
    assert.deepEqual(Object.keys(endpoints).sort(), ['loud', 'quiet']);
    assert.match(endpoints.loud!, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const pid of referenceChildren()) seenPids.add(pid);

    const loud = await get(`${endpoints.loud}/x`);
    assert.equal(loud.status, 201);
    assert.equal(loud.body.length, 1024);
    const quiet = await get(`${endpoints.quiet}/x`);
    assert.equal(quiet.status, 200);
    assert.equal(quiet.body.length, 5);

    assert.ok(logs.some((l) => l.startsWith('[loud] {') && l.includes('"msg":"echo listening"')), 'stderr lines arrive prefixed with the component name');
    assert.equal(logs.filter((l) => l.startsWith('[quiet]')).length, 0, 'LOG_LEVEL=warn from the spec env reached the child');
    assert.ok(readyMs < 10_000, `two echo replicas took ${readyMs} ms to become ready`);
  });

  it('starts referenced components first and fills {{hostport NAME}} in, so an agent reaches echo through the tunnel', async () => {
    const cluster = await up();
    const secret = 'local-provider-secret-0123456789';
    // listed agent-first on purpose: the order comes from the references, not from the list
    const endpoints = await cluster.deploy([
      echoSpec({ name: 'agent', component: 'tunnel-agent', flags: {
        server: 'ws://{{hostport tunnel}}/ws', 'local-target': '{{hostport echo}}',
        'token-secret': secret, 'agent-id': 'a1', owner: 'alice', 'backoff-initial': '50ms',
      } }),
      echoSpec({ name: 'tunnel', component: 'tunnel-server', flags: { 'token-secret': secret }, readiness: { path: '/readyz', timeoutMs: 15_000 } }),
      echoSpec({ flags: { 'response-size': 7 } }),
    ]);
    for (const pid of referenceChildren()) seenPids.add(pid);
    assert.deepEqual(Object.keys(endpoints).sort(), ['agent', 'echo', 'tunnel']);
    const through = await get(`${endpoints.tunnel}/agents/a1/hello`);
    assert.equal(through.status, 200);
    assert.equal(through.body.length, 7, 'the echo with response-size 7 answered through the tunnel');
  });

  it('refuses a reference to an unknown component or a cycle before starting anything', async () => {
    const cluster = await up();
    await assert.rejects(cluster.deploy([echoSpec({ env: { PEER: '{{endpoint nobody}}' } })]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && /component echo: env\.PEER refers to \{\{endpoint nobody\}\}, but there is no component named 'nobody'/.test(err.message));
    await assert.rejects(cluster.deploy([echoSpec({ env: { PEER: '{{endpoint b}}' } }), echoSpec({ name: 'b', flags: { x: '{{hostport echo}}' } })]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && /cycle \(echo -> b -> echo\)/.test(err.message));
    assert.deepEqual(referenceChildren(), []);
  });

  it('samples CPU and RSS of each component from its child processes', async () => {
    const cluster = await up();
    await cluster.deploy([echoSpec()]);
    const children = referenceChildren();
    children.forEach((p) => seenPids.add(p));
    const [first] = await cluster.sampler().sample();
    assert.ok(first);
    assert.equal(first.component, 'echo');
    assert.deepEqual(first.pids, children);
    assert.ok(first.cpuPercent > 0, 'start-up (compiling TypeScript) used CPU');
    assert.ok(first.rssBytes > 10 * 1024 * 1024, `rss ${first.rssBytes}`);
    assert.equal(cluster.sampler(), cluster.sampler(), 'one sampler, so CPU is measured between consecutive samples');
  });

  it('runs several replicas as several processes, reached through the first', async () => {
    const cluster = await up();
    const endpoints = await cluster.deploy([echoSpec({ replicas: 2 })]);
    const children = referenceChildren();
    children.forEach((p) => seenPids.add(p));
    assert.equal(children.length, 2);
    const [sample] = await cluster.sampler().sample();
    assert.equal(sample!.pids.length, 2);
    assert.equal((await get(`${endpoints.echo}/`)).status, 200);
    assert.ok(logs.some((l) => l.startsWith('[echo#1] ')) && logs.some((l) => l.startsWith('[echo#2] ')));
  });

  it('down() stops every process it started, and a second down() is harmless', async () => {
    const cluster = await up();
    await cluster.deploy([echoSpec({ replicas: 2 })]);
    const children = referenceChildren();
    assert.equal(children.length, 2);
    await cluster.down();
    assert.deepEqual(children.filter(isAlive), []);
    await cluster.down();
    assert.deepEqual(await cluster.sampler().sample().then((s) => s.flatMap((c) => c.pids)), []);
    await assert.rejects(cluster.deploy([echoSpec({ name: 'again' })]), { code: 'CAPLAB_ERR_INTERNAL' });
  });

  it('is torn down by `await using` at the end of its block', async () => {
    let children: number[] = [];
    {
      await using cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);
      await cluster.deploy([echoSpec()]);
      children = referenceChildren();
      assert.equal(children.length, 1);
    }
    assert.deepEqual(children.filter(isAlive), []);
  });

  it('reports a component that crashes on start as CAPLAB_ERR_COMPONENT_START with its last stderr lines', async () => {
    const cluster = await up();
    // A preload that does not exist makes node itself fail before the component's code runs.
    await assert.rejects(cluster.deploy([echoSpec({ env: { NODE_OPTIONS: '--require /nonexistent/caplab-crash-on-start.cjs' } })]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_COMPONENT_START'
      && /echo exited \(exit code 1\) before it was listening; last stderr lines:/.test(err.message)
      && /Cannot find module '\/nonexistent\/caplab-crash-on-start\.cjs'/.test(err.message));
    assert.deepEqual(referenceChildren(), []);
  });

  it('reports an unknown component name as CAPLAB_ERR_UNKNOWN_COMPONENT and a bad flag as CAPLAB_ERR_USAGE', async () => {
    const cluster = await up();
    await assert.rejects(cluster.deploy([echoSpec({ name: 'web', component: 'ehco' })]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_UNKNOWN_COMPONENT' && /^unknown component: 'ehco' \(known components: (\w[\w-]*, )*echo(, \w[\w-]*)*\)$/.test(err.message));
    await assert.rejects(cluster.deploy([echoSpec({ flags: { delay: 'soon' } })]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && /--delay expects a duration/.test(err.message));
    assert.deepEqual(referenceChildren(), []);
  });

  it('fails with CAPLAB_ERR_COMPONENT_NOT_READY when the readiness path never answers 2xx, and stops the process', async () => {
    const cluster = await up();
    const t0 = performance.now();
    await assert.rejects(
      cluster.deploy([echoSpec({ flags: { status: 500 }, readiness: { path: '/not-health', timeoutMs: 3_000 } })]),
      (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_COMPONENT_NOT_READY' && /echo: GET http:\/\/127\.0\.0\.1:\d+\/not-health answering 2xx.*status 500/.test(err.message));
    assert.ok(performance.now() - t0 < 6_000);
    assert.deepEqual(referenceChildren(), []);
  });

  it('refuses a remote external URL unless allowRemoteTarget, and starts nothing when it refuses', async () => {
    const refusing = await up();
    await assert.rejects(refusing.deploy([echoSpec(), { ...echoSpec({ name: 'api' }), component: undefined, url: 'http://192.0.2.10:8080' }]), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_REMOTE_TARGET' && /component api points at 192\.0\.2\.10:8080/.test(err.message));
    assert.deepEqual(referenceChildren(), []);

    const allowing = await up({ allowRemoteTarget: true });
    assert.deepEqual(await allowing.deploy([{ ...echoSpec({ name: 'api' }), component: undefined, url: 'http://192.0.2.10:8080' }]), { api: 'http://192.0.2.10:8080' });
    const local = await up();
    assert.deepEqual(await local.deploy([{ ...echoSpec({ name: 'mine' }), component: undefined, url: 'http://localhost:9/' }]), { mine: 'http://localhost:9/' });
    assert.deepEqual(referenceChildren(), [], 'an external component is not started');
  });

  it('tears down what it started when the signal aborts before the component listens', async () => {
    const ctl = new AbortController();
    const cluster = await up({ signal: ctl.signal });
    const deploying = cluster.deploy([echoSpec({ replicas: 2 })]);
    await sleep(50);
    const children = referenceChildren();
    assert.equal(children.length, 2, 'both replicas were spawned');
    ctl.abort(new Error('user pressed Ctrl-C'));
    await assert.rejects(deploying, /user pressed Ctrl-C/);
    assert.deepEqual(children.filter(isAlive), []);
  });

  it('tears down what it started when the signal aborts while it waits for readiness', async () => {
    const ctl = new AbortController();
    const cluster = await up({ signal: ctl.signal });
    const deploying = cluster.deploy([echoSpec({ flags: { status: 503 }, readiness: { path: '/never-ready', timeoutMs: 20_000 } })]);
    while (!logs.some((l) => l.includes('"msg":"echo listening"'))) await sleep(10);
    const children = referenceChildren();
    assert.equal(children.length, 1);
    ctl.abort(new Error('stop'));
    await assert.rejects(deploying, /stop/);
    assert.deepEqual(children.filter(isAlive), []);
  });

  it('refuses to start on a signal that is already aborted', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('too late'));
    await assert.rejects(localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, ctl.signal), /too late/);
  });

  /** Runs a caplab-like parent that deploys echo and prints the child pid; returns the parent and that pid. */
  async function parentWithEcho(then: string): Promise<{ parentExit: Promise<number | null>; parentPid: number; echoPid: number }> {
    const code = [
      "const { localProvider } = await import('./clusters/providers/local-provider.ts');",
      "const c = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);",
      "await c.deploy([{ name: 'echo', component: 'echo', flags: {}, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 15000 } }]);",
      "const [s] = await c.sampler().sample();",
      'console.log(JSON.stringify({ pid: s.pids[0] }));',
      then,
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    seenPids.add(parent.pid!);
    const parentExit = new Promise<number | null>((resolve) => parent.once('exit', (c) => resolve(c)));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      void parentExit.then((c) => reject(new Error(`parent exited with ${c} before deploying`)));
    });
    const echoPid = (JSON.parse(line) as { pid: number }).pid;
    seenPids.add(echoPid);
    return { parentExit, parentPid: parent.pid!, echoPid };
  }

  it('leaves no component behind when caplab crashes with an uncaught exception', async () => {
    const { parentExit, echoPid } = await parentWithEcho("setTimeout(() => { throw new Error('caplab crashed'); }, 10);");
    assert.ok(isAlive(echoPid));
    assert.equal(await parentExit, 1);
    assert.deepEqual(await waitGone([echoPid], 2_000), [], 'the exit hook SIGKILLed the child');
  });

  it('leaves no component behind when caplab itself is SIGKILLed (the child sees its stdin close)', async () => {
    const { parentExit, parentPid, echoPid } = await parentWithEcho('setInterval(() => {}, 1000);');
    assert.ok(isAlive(echoPid));
    process.kill(parentPid, 'SIGKILL');
    await parentExit;
    assert.deepEqual(await waitGone([echoPid], 3_000), [], 'the child drained and exited');
  });
});
