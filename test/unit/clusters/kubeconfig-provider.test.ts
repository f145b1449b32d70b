import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterSpec, ComponentSpec } from '../../../clusters/cluster.ts';
import { kubeconfigProvider } from '../../../clusters/providers/kubeconfig-provider.ts';
import { containerArgs } from '../../../clusters/providers/kube-objects.ts';
import { parseCpuCores, parseMemoryBytes } from '../../../clusters/providers/kube-metrics-sampler.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { FakeRunner, TEMPLATES_YAML } from './fake-command-runner.ts';

const base: ClusterSpec = { provider: 'kubeconfig', allowRemoteTarget: false, log: () => {} };
const echo: ComponentSpec = {
  name: 'api', component: 'echo', flags: { 'response-size': 256, 'cpu-work': 10 }, env: { LOG_LEVEL: 'warn' }, replicas: 1,
  readiness: { path: '/health', timeoutMs: 5_000 }, limits: { cpuCores: 0.5, memoryBytes: 268435456 },
};
const operator: ComponentSpec = { name: 'op', component: 'operator', flags: { 'max-concurrent-reconciles': 4 }, env: {}, replicas: 1, readiness: { path: '/readyz', timeoutMs: 5_000 } };

/** An existing cluster with contexts `dev` (current) and `lab`; metrics API served when `metrics` is given. */
function cluster(options: { metrics?: object; crdExists?: boolean } = {}, port = 0) {
  return new FakeRunner((_command, args) => {
    const line = args.join(' ');
    if (line === 'config get-contexts -o name') return { stdout: 'dev\nlab\n' };
    if (line === 'config current-context') return { stdout: 'dev\n' };
    if (line.includes(' kustomize ')) return { stdout: TEMPLATES_YAML };
    if (line.includes('get customresourcedefinition')) return options.crdExists ? { stdout: 'customresourcedefinition/rdeagents.kuberde.io' } : { code: 1, stderr: 'NotFound' };
    if (line.includes('get --raw /apis/metrics.k8s.io')) return options.metrics ? { stdout: JSON.stringify(options.metrics) } : { code: 1, stderr: 'Error from server (NotFound): the server could not find the requested resource' };
    if (line.includes('get pods')) return { stdout: JSON.stringify({ items: [{ metadata: { name: 'api-b' } }, { metadata: { name: 'api-a' } }] }) };
    return undefined;
  }, (_command, _args, emit) => emit(`Forwarding from 127.0.0.1:${port} -> 8080`));
}

describe('kubeconfig provider', () => {
  it('refuses to run unless --context names the context, listing the contexts and not using the current one', async () => {
    const runner = cluster();
    await assert.rejects(kubeconfigProvider({ runner }).up(base, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_KUBE_CONTEXT' && err.message.includes("the current context is 'dev'") && err.hint.includes('dev, lab'));
    assert.ok(!runner.lines().some((l) => l.includes('apply')), 'nothing was applied');
  });

  it('rejects a context that is not in the kubeconfig', async () => {
    await assert.rejects(kubeconfigProvider({ runner: cluster() }).up({ ...base, context: 'prod' }, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_KUBE_CONTEXT' && err.message.includes("context 'prod' is not in your kubeconfig"));
  });

  describe('a run against context lab', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((req, res) => { res.statusCode = req.url === '/health' || req.url === '/readyz' ? 200 : 404; res.end('ok'); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => { server.close(); });

    it('deploys into its own labelled namespace through the context, reached by port-forward and probed ready, and removes it all at the end', async () => {
      const runner = cluster({}, port);
      const c = await kubeconfigProvider({ runner, env: { CAPLAB_REFERENCE_IMAGE: 'registry.example/caplab/reference:1' } }).up({ ...base, context: 'lab' }, new AbortController().signal);
      const endpoints = await c.deploy([echo]);
      assert.deepEqual(endpoints, { api: `http://127.0.0.1:${port}` });
      const kubectlCalls = runner.calls.filter((x) => x.command === 'kubectl' && !x.args.includes('config') && !x.args.includes('version'));
      assert.ok(kubectlCalls.every((x) => x.args[0] === '--context' && x.args[1] === 'lab'), 'every cluster call names the context');
      const items = runner.calls.filter((x) => x.input).flatMap((x) => JSON.parse(x.input!).items);
      const ns = items.find((o: { kind: string }) => o.kind === 'Namespace');
      assert.match(ns.metadata.name, /^caplab-[a-z0-9]+$/);
      const runId = ns.metadata.labels['caplab.dev/run'];
      for (const o of items) assert.equal(o.metadata.labels['caplab.dev/run'], runId, `${o.kind} is labelled with the run`);
      const dep = items.find((o: { kind: string }) => o.kind === 'Deployment');
      const container = dep.spec.template.spec.containers[0];
      assert.equal(container.image, 'registry.example/caplab/reference:1');
      assert.deepEqual(container.args, ['echo', '--host', '0.0.0.0', '--port', '8080', '--response-size', '256', '--cpu-work', '10']);
      assert.deepEqual(container.resources, { requests: { cpu: '500m', memory: '268435456' }, limits: { cpu: '500m', memory: '268435456' } });
      assert.deepEqual(container.env, [{ name: 'LOG_LEVEL', value: 'warn' }]);
      assert.deepEqual(dep.spec.template.spec.securityContext, { runAsNonRoot: true }, 'the pod template comes from the manifests');
      assert.deepEqual(runner.started.map((s) => s.args.slice(2).join(' ')), [`port-forward -n ${ns.metadata.name} --address 127.0.0.1 svc/api :8080`]);

      // no metrics API: sampling says why, once, and reports nothing
      assert.deepEqual(await c.sampler().sample(), []);
      assert.match(c.sampler().unavailable!, /metrics-server/);

      // kill deletes the replica's pod (sorted by name) at once
      await c.inject({ action: 'kill', component: 'api', replica: 0, downForMs: 0, graceful: false });
      assert.ok(runner.lines().some((l) => l.endsWith(`delete pod api-a -n ${ns.metadata.name} --grace-period=0 --force --wait=false`)));

      await c.down();
      const lines = runner.lines();
      assert.ok(lines.some((l) => l.includes(`delete namespace ${ns.metadata.name} --ignore-not-found`)));
      assert.ok(lines.some((l) => l.includes(`delete customresourcedefinitions -l caplab.dev/run=${runId}`)));
      assert.equal(runner.started[0]!.stopped, true, 'the port-forward is stopped');
    });

    it('creates the operator CRD only when the cluster lacks it, and keeps the template flags the scenario does not set', async () => {
      for (const crdExists of [false, true]) {
        const runner = cluster({ crdExists }, port);
        const c = await kubeconfigProvider({ runner }).up({ ...base, context: 'lab' }, new AbortController().signal);
        await c.deploy([operator]);
        const items = runner.calls.filter((x) => x.input).flatMap((x) => JSON.parse(x.input!).items);
        assert.equal(items.some((o: { kind: string }) => o.kind === 'CustomResourceDefinition'), !crdExists);
        const rb = items.find((o: { kind: string }) => o.kind === 'RoleBinding');
        assert.equal(rb.subjects[0].namespace, rb.metadata.namespace, 'the RoleBinding names the run namespace');
        const args = items.find((o: { kind: string }) => o.kind === 'Deployment').spec.template.spec.containers[0].args;
        assert.deepEqual(args, ['operator', '--host', '0.0.0.0', '--port', '8080', '--namespace', '$(POD_NAMESPACE)', '--agent-image', 'caplab/reference:dev', '--max-concurrent-reconciles', '4']);
        await c.down();
      }
    });

    it('sums the metrics API usage of each component\'s pods', async () => {
      const metrics = { items: [
        { metadata: { name: 'api-a', labels: { 'caplab.dev/component': 'api' } }, containers: [{ name: 'echo', usage: { cpu: '250000000n', memory: '10Mi' } }] },
        { metadata: { name: 'api-b', labels: { 'caplab.dev/component': 'api' } }, containers: [{ name: 'echo', usage: { cpu: '125m', memory: '6Mi' } }] },
      ] };
      const c = await kubeconfigProvider({ runner: cluster({ metrics }, port) }).up({ ...base, context: 'lab' }, new AbortController().signal);
      await c.deploy([echo]);
      assert.deepEqual(await c.sampler().sample(), [{ component: 'api', pids: [], cpuPercent: 37.5, rssBytes: 16 * 2 ** 20 }]);
      assert.equal(c.sampler().unavailable, undefined);
      await c.down();
    });
  });

  it('puts scenario flags after the template ones, replacing any the scenario sets, and owns --host/--port', () => {
    assert.deepEqual(containerArgs('tunnel-agent', ['tunnel-agent', '--host', '0.0.0.0', '--port', '8080', '--server', 'ws://tunnel-server/ws', '--owner', 'caplab', '--verbose'],
      { server: 'ws://t.ns.svc.cluster.local:8080/ws', port: 9999, insecure: true, ramp: false }),
    ['tunnel-agent', '--host', '0.0.0.0', '--port', '8080', '--owner', 'caplab', '--verbose', '--server', 'ws://t.ns.svc.cluster.local:8080/ws', '--insecure', '--ramp=false']);
  });

  it('reads Kubernetes quantities', () => {
    assert.deepEqual(['250m', '123456789n', '12u', '2'].map(parseCpuCores), [0.25, 0.123456789, 0.000012, 2]);
    assert.deepEqual(['12Ki', '64Mi', '1G', '1000'].map(parseMemoryBytes), [12288, 67108864, 1e9, 1000]);
  });
});
