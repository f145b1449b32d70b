import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { Cluster, ComponentSpec, FaultSpec } from '../../clusters/cluster.ts';
import { localProvider } from '../../clusters/providers/local-provider.ts';
import { CaplabError } from '../../harness/errors.ts';
import { alive } from '../support/scenario-text.ts';
import { referenceChildren } from '../support/child-processes.ts';

function echoSpec(overrides: Partial<ComponentSpec> = {}): ComponentSpec {
  return { name: 'echo', component: 'echo', flags: {}, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 15_000 }, ...overrides };
}

function fault(overrides: Partial<FaultSpec>): FaultSpec {
  return { action: 'restart', component: 'echo', replica: 0, downForMs: 0, graceful: false, ...overrides };
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); }).on('error', reject).end();
  });
}

async function pidsOf(cluster: Cluster, component: string): Promise<number[]> {
  return (await cluster.sampler().sample()).find((s) => s.component === component)?.pids ?? [];
}

describe('fault injection on the local provider', function () {
  this.timeout(60_000);
  let cluster: Cluster | undefined;

  afterEach(async () => {
    await cluster?.down();
    cluster = undefined;
    assert.deepEqual(referenceChildren(), [], 'no component process is left behind');
  });

  it('restart brings a replica back on the same port with a new PID, and the sampler follows it', async () => {
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);
    const { echo: url } = await cluster.deploy([echoSpec()]);
    const [before] = await pidsOf(cluster, 'echo');
    assert.equal(await status(`${url}/health`), 200);

    const injected = performance.now();
    await cluster.inject(fault({ downForMs: 300 }));
    assert.ok(performance.now() - injected >= 300, 'it stayed down for downFor');
    assert.equal(alive(before!), false, 'the old process is gone');
    const [after] = await pidsOf(cluster, 'echo');
    assert.ok(after !== undefined && after !== before, `a new process serves (${before} -> ${after})`);
    assert.equal(await status(`${url}/health`), 200, 'the same URL answers again');
  });

  it('a graceful restart stops the replica with SIGTERM, so it drains, and brings it back', async () => {
    const lines: string[] = [];
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: (l) => lines.push(l) }, new AbortController().signal);
    const { echo: url } = await cluster.deploy([echoSpec()]);
    const [before] = await pidsOf(cluster, 'echo');
    await cluster.inject(fault({ graceful: true }));
    assert.equal(alive(before!), false);
    assert.equal(await status(`${url}/health`), 200);
    assert.ok(lines.some((l) => /drain|SIGTERM/i.test(l)), 'the old replica logged its drain');
  });

  it('kill leaves the replica down, and a second fault on it is refused with a coded error', async () => {
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);
    const { echo: url } = await cluster.deploy([echoSpec({ replicas: 2 })]);
    const pids = await pidsOf(cluster, 'echo');
    await cluster.inject(fault({ action: 'kill', replica: 1 }));
    assert.deepEqual(await pidsOf(cluster, 'echo'), [pids[0]], 'replica 1 is down, replica 0 still up');
    assert.equal(await status(`${url}/health`), 200);
    await assert.rejects(cluster.inject(fault({ action: 'kill', replica: 1 })), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && /echo#2 is not running/.test(err.message));
    await assert.rejects(cluster.inject(fault({ component: 'nope' })), /no reference component named 'nope' is deployed/);
    await assert.rejects(cluster.inject(fault({ replica: 5 })), /has 2 replica\(s\), so there is no replica 5/);
  });

  it('a restart cut short while down starts nothing, and down() leaves no process', async () => {
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);
    await cluster.deploy([echoSpec()]);
    const cut = new AbortController();
    const restarting = cluster.inject(fault({ downForMs: 10_000 }), cut.signal);
    setTimeout(() => cut.abort(new Error('run over')), 200);
    await assert.rejects(restarting, /run over/);
    assert.deepEqual(await pidsOf(cluster, 'echo'), [], 'still down: nothing was started again');
  });
});
