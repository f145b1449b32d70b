import assert from 'node:assert/strict';
import { Pool } from 'undici';
import type { Cluster, ComponentSpec } from '../../clusters/cluster.ts';
import { localProvider } from '../../clusters/providers/local-provider.ts';
import { alive } from '../support/scenario-text.ts';

function component(name: string, kind: string, flags: ComponentSpec['flags'] = {}, env: ComponentSpec['env'] = {}): ComponentSpec {
  return { name, component: kind, flags, env, replicas: 1, readiness: { path: '/health', timeoutMs: 40_000 } };
}

async function metric(url: string, prefix: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(prefix) && /[ }]/.test(l[prefix.length] ?? '')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

describe('BAMF bridge drain (drain fault on a bridge)', function () {
  this.timeout(120_000);
  let cluster: Cluster;

  before(async () => {
    cluster = await localProvider.up({ provider: 'local', allowRemoteTarget: false, log: () => {} }, new AbortController().signal);
  });

  after(async () => {
    const pids = (await cluster.sampler().sample()).flatMap((s) => s.pids);
    await cluster.down();
    assert.deepEqual(pids.filter(alive), [], 'no component process is left behind');
  });

  it('moves every tunnel of the drained bridge to the other one, and no request through the API fails', async () => {
    const e = await cluster.deploy([
      component('target', 'echo'),
      component('api', 'bamf-api'),
      component('bridge1', 'bamf-bridge', { api: '{{endpoint api}}', id: 'bridge1' }),
      component('bridge2', 'bamf-bridge', { api: '{{endpoint api}}', id: 'bridge2' }),
      component('agents', 'bamf-agent', { api: '{{endpoint api}}', localTarget: '{{hostport target}}', count: 10 }, { BAMF_BRIDGES: '{{endpoint bridge1}} {{endpoint bridge2}}' }),
    ]);
    const onBridge1 = await metric(e.api!, 'bamf_bridge_agents{bridge="bridge1"');
    assert.ok(onBridge1 >= 1, `bridge1 holds ${onBridge1} tunnels`);
    const pool = new Pool(e.api!, { connections: 8 });
    const statuses: number[] = [];
    let stop = false;
    const loops = Array.from({ length: 8 }, async (_, k) => {
      for (let i = k; !stop; i += 8) {
        const r = await pool.request({ path: `/agents/agent-${(i % 10) + 1}/x`, method: 'GET' });
        await r.body.dump();
        statuses.push(r.statusCode);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    await cluster.inject({ action: 'drain', component: 'bridge1', replica: 0, downForMs: 0, graceful: false });
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await Promise.all(loops);
    await pool.close();
    assert.ok(statuses.length > 50, `${statuses.length} requests`);
    assert.deepEqual([...new Set(statuses)], [200], 'every request through the API answered 200');
    assert.equal(await metric(e.api!, 'bamf_tunnels_migrated_total'), onBridge1, '100% of bridge1\'s tunnels migrated');
    assert.equal(await metric(e.api!, 'bamf_tunnels_lost_total'), 0, 'none left on bridge1 when it went');
    assert.equal(await metric(e.api!, 'bamf_bridge_agents{bridge="bridge2"'), 10);
    assert.equal(await metric(e.agents!, 'bamf_agents_connected'), 10);
    assert.equal(await metric(e.agents!, 'bamf_agent_reconnects_total'), 0, 'moved, not lost and redialled');
  });
});
