/**
 * Two operator processes against the embedded control plane with --leader-elect and short lease
 * timings: exactly one leads; SIGKILL the leader and the other takes over within the lease bounds
 * and reconciles; a graceful stop hands the Lease over at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CoordinationV1Api, CustomObjectsApi, AppsV1Api } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import { agentBody, applyCrd, waitFor } from './operator-support.ts';

const MAIN = new URL('../../reference-impl/main.ts', import.meta.url).pathname;
const LEASE = { duration: 2000, renew: 1500, retry: 250 };

interface Replica { child: ChildProcess; url: string }

async function startReplica(kubeconfig: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'operator', '--kubeconfig', kubeconfig, '--namespace', 'default', '--leader-elect',
    '--leader-election-lease-duration', `${LEASE.duration}ms`, '--leader-election-renew-deadline', `${LEASE.renew}ms`, '--leader-election-retry-period', `${LEASE.retry}ms`,
    '--port', '0'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

async function isLeader(r: Replica): Promise<boolean | undefined> {
  try {
    const text = await (await fetch(`${r.url}/metrics`)).text();
    return /leader_election_master_status\{name="kuberde-operator-leader"\} 1/.test(text);
  } catch { return undefined; }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

describe('operator leader election against the embedded control plane', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  const replicas: Replica[] = [];

  before(async () => {
    cp = await startControlPlane({ port: 0 });
    await applyCrd(cp);
  });

  after(async () => {
    for (const r of replicas) await stopChild(r.child, 'SIGKILL');
    await cp?.stop();
  });

  it('two replicas elect one leader; a killed leader is replaced within the lease bounds', async () => {
    replicas.push(await startReplica(cp.kubeconfigPath), await startReplica(cp.kubeconfigPath));
    const leaderIndex = await waitFor('one leader', async () => {
      const states = await Promise.all(replicas.map(isLeader));
      const leaders = states.filter((s) => s === true).length;
      return leaders === 1 ? states.indexOf(true) : undefined;
    }, 20_000);
    // keep watching for a while: never two leaders
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, LEASE.retry));
      const states = await Promise.all(replicas.map(isLeader));
      assert.equal(states.filter((s) => s === true).length, 1, `leaders at check ${i}: ${states.join(',')}`);
    }
    const lease = await cp.kubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: 'default', name: 'kuberde-operator-leader' });
    assert.ok(lease.spec!.holderIdentity, 'the Lease names its holder');

    const leader = replicas[leaderIndex]!;
    const follower = replicas[1 - leaderIndex]!;
    await stopChild(leader.child, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('the follower to lead', async () => ((await isLeader(follower)) ? true : undefined), 10_000);
    const tookMs = Date.now() - killedAt;
    // at most one lease duration after it last saw a renewal, plus one jittered retry (2.2 x retry)
    assert.ok(tookMs <= LEASE.duration + 2.2 * LEASE.retry + 1000, `took over after ${tookMs} ms`);

    const custom = cp.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: 'default', plural: 'rdeagents', body: agentBody('after-failover') });
    const apps = cp.kubeConfig().makeApiClient(AppsV1Api);
    await waitFor('the new leader to reconcile', () => apps.readNamespacedDeployment({ namespace: 'default', name: 'rdeagent-after-failover' }));

    // a graceful stop releases the Lease: a new replica leads long before a lease duration
    replicas.push(await startReplica(cp.kubeconfigPath));
    await waitFor('the newcomer to be ready', async () => ((await fetch(`${replicas[2]!.url}/readyz`)).status === 200 ? true : undefined));
    await stopChild(follower.child, 'SIGTERM');
    assert.equal(follower.child.exitCode, 0, 'SIGTERM exits 0');
    const stoppedAt = Date.now();
    await waitFor('the newcomer to lead', async () => ((await isLeader(replicas[2]!)) ? true : undefined), 10_000);
    const handover = Date.now() - stoppedAt;
    assert.ok(handover < LEASE.duration, `handover after ${handover} ms`);
  });
});
