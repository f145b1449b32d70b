/**
 * The kind/k3s/kubeconfig path of `--load-generators`, with kubectl faked at its boundary and
 * everything else real: applying the Indexed Job starts one real generator process per completion
 * index (`--listen 127.0.0.1:0`, the Secret's token, JOB_COMPLETION_INDEX set as Kubernetes sets
 * it), `get pods` reports them Ready, and `port-forward pod/<name>` "forwards" to each one's port.
 * The coordinator's endpoints are unreachable on purpose: the generators must use the in-cluster
 * endpoints the launcher hands them, as pods would use cluster DNS names.
 */
import assert from 'node:assert/strict';
import { COMPLETION_INDEX_KEY } from '../../clusters/providers/kube-load-generator-job.ts';
import { KubeLoadGeneratorLauncher } from '../../clusters/providers/kube-load-generators.ts';
import { Kubectl } from '../../clusters/providers/kubectl.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsRegistry } from '../../harness/metrics/registry.ts';
import { TOKEN_ENV } from '../../harness/run/load-generator-protocol.ts';
import { startWorkload } from '../../harness/run/workload-runner.ts';
import { runToEnd, shardedWorkload, withDelayedTarget, startGenerator } from '../support/load-generator-fixtures.ts';
import { FakeRunner } from '../unit/clusters/fake-command-runner.ts';

/** A "cluster" whose Job pods are local generator processes. */
function simulatedCluster() {
  const pods: { name: string; index: number; port: number; exit: Promise<number | null> }[] = [];
  const runner = new FakeRunner(async (_command, args, options) => {
    if (args.includes('apply')) {
      const items = (JSON.parse(options.input!) as { items: { kind: string; metadata: { name: string }; stringData?: { token: string }; spec?: { completions: number } }[] }).items;
      const token = items.find((o) => o.kind === 'Secret')!.stringData!.token;
      const job = items.find((o) => o.kind === 'Job')!;
      await Promise.all(Array.from({ length: job.spec!.completions }, async (_, index) => {
        const g = await startGenerator(['--init-timeout', '30s'], { [TOKEN_ENV]: token, JOB_COMPLETION_INDEX: String(index) });
        pods.push({ name: `${job.metadata.name}-${index}-pod${index}`, index, port: g.port, exit: g.exit });
      }));
      return undefined;
    }
    if (args.includes('pods')) {
      return { stdout: JSON.stringify({ items: pods.map((p) => ({ metadata: { name: p.name, annotations: { [COMPLETION_INDEX_KEY]: String(p.index) } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })) }) };
    }
    return undefined;
  }, (_command, args, emit) => {
    const pod = pods.find((p) => args.includes(`pod/${p.name}`))!;
    emit(`Forwarding from 127.0.0.1:${pod.port} -> 7070`);
  });
  return { runner, pods };
}

describe('--load-generators through the Kubernetes launcher (kubectl faked, generators real)', function () {
  this.timeout(90_000);
  const server = withDelayedTarget(20);

  it('runs 3 shards as Job pods on the in-cluster endpoints, merges exactly, and deletes the Job', async () => {
    const { runner, pods } = simulatedCluster();
    const launcher = new KubeLoadGeneratorLauncher({ kubectl: new Kubectl(runner, { kubeconfig: '/tmp/kc' }), namespace: 'caplab-x', runId: 'x', pollMs: 0, endpoints: () => ({ echo: server.url }) });
    const workload = shardedWorkload('echo', { echoUrl: 'http://127.0.0.1:1' });
    const h = startWorkload({
      name: 'w', workload: workload, endpoints: { echo: 'http://127.0.0.1:1' }, baseDir: '/tmp', clock: realClock,
      signal: new AbortController().signal, warmupMs: 0, recorder: new MetricsRegistry(), loadGenerators: 3, generatorLauncher: launcher,
    });
    const { outcome, aggregate } = await runToEnd(h);

    assert.equal(pods.length, 3);
    assert.equal(outcome.iterations, 200);
    const d = aggregate.summary('http_req_duration');
    assert.ok(d?.type === 'trend');
    assert.equal(d.count, 200, 'every request of every pod in the merged histogram');
    const failed = aggregate.summary('http_req_failed');
    assert.ok(failed?.type === 'rate');
    assert.equal(failed.passes, 0, 'no request went to the coordinator\'s unreachable endpoint');
    assert.deepEqual(await Promise.all(pods.map((p) => p.exit)), [0, 0, 0], 'each pod exits 0 after done');
    assert.deepEqual(runner.started.map((s) => s.args.find((a) => a.startsWith('pod/'))), pods.sort((a, b) => a.index - b.index).map((p) => `pod/${p.name}`));
    assert.ok(runner.started.every((s) => s.stopped), 'port-forwards stopped');
    assert.ok(runner.lines().some((l) => l.includes('delete job loadgen-1 -n caplab-x')), 'the Job is deleted');
  });
});
