import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KubeMetricsSampler } from '../../../clusters/providers/kube-metrics-sampler.ts';
import { Kubectl } from '../../../clusters/providers/kubectl.ts';
import { FakeRunner } from './fake-command-runner.ts';

/** A kind node's summary, shaped as the kubelet's stats/v1alpha1 Summary (two api pods, one without usageNanoCores yet; a sink; a load generator; coredns). */
const SUMMARY = readFileSync(new URL('./fixtures/kubelet-stats-summary.json', import.meta.url), 'utf8');
const NS = 'caplab-m1x';
const NOT_FOUND = { code: 1, stderr: 'Error from server (NotFound): the server could not find the requested resource' };
const FORBIDDEN = { code: 1, stderr: 'Error from server (Forbidden): nodes "x" is forbidden: User cannot get resource "nodes/proxy"' };

/** The run's pods as `kubectl get pods -o json` lists them: name, component label, node. */
const PODS = JSON.stringify({ items: [
  ['api-6c9b7d5f48-k2x9q', 'api', 'caplab-m1x-control-plane'],
  ['api-6c9b7d5f48-p7w4m', 'api', 'caplab-m1x-control-plane'],
  ['sink-7f6d8c9b5a-q4r8t', 'sink', 'caplab-m1x-control-plane'],
  ['loadgen-1-0-h8j2k', 'loadgen-1', 'caplab-m1x-control-plane'],
].map(([name, component, node]) => ({ metadata: { name, labels: { 'caplab.dev/run': 'm1x', 'caplab.dev/component': component } }, spec: { nodeName: node } })) });

function sampler(answer: (line: string) => object | undefined) {
  const runner = new FakeRunner((_command, args) => answer(args.join(' ')));
  return { runner, sampler: new KubeMetricsSampler(new Kubectl(runner, {}), NS, 'm1x', () => ['api', 'sink']) };
}

describe('resource sampling on Kubernetes', () => {
  it('without a metrics API, sums each component\'s containers from the kubelet summary: usageNanoCores as CPU, workingSetBytes as memory', async () => {
    const { runner, sampler: s } = sampler((line) => {
      if (line.includes('/apis/metrics.k8s.io')) return NOT_FOUND;
      if (line === `get pods -n ${NS} -l caplab.dev/run=m1x -o json`) return { stdout: PODS };
      if (line === 'get --raw /api/v1/nodes/caplab-m1x-control-plane/proxy/stats/summary') return { stdout: SUMMARY };
      return { code: 1, stderr: `unexpected: ${line}` };
    });
    const samples = await s.sample();
    assert.equal(s.unavailable, undefined);
    assert.equal(s.source, 'kubelet-summary');
    // api: 0.25 cores + a pod the kubelet has no rate for yet (0); 70 MB + 50 MB working set. The load generator and coredns are not components.
    assert.deepEqual(samples, [
      { component: 'api', pids: [], cpuPercent: 25, rssBytes: 120_000_000 },
      { component: 'sink', pids: [], cpuPercent: 4, rssBytes: 40_000_000 },
    ]);
    await s.sample();
    assert.equal(runner.lines().filter((l) => l.includes('/apis/metrics.k8s.io')).length, 1, 'the metrics API is not asked again once the summary is the source');
    assert.equal(runner.lines().filter((l) => l.includes('stats/summary')).length, 2, 'one summary per node per sample');
  });

  it('prefers the metrics API when the cluster serves it, and never reads the summary', async () => {
    const metrics = { items: [{ metadata: { name: 'a', labels: { 'caplab.dev/component': 'api' } }, containers: [{ name: 'echo', usage: { cpu: '125m', memory: '64Mi' } }] }] };
    const { runner, sampler: s } = sampler((line) => (line.includes('/apis/metrics.k8s.io') ? { stdout: JSON.stringify(metrics) } : { code: 1 }));
    const samples = await s.sample();
    assert.equal(s.source, 'metrics-api');
    assert.deepEqual(samples[0], { component: 'api', pids: [], cpuPercent: 12.5, rssBytes: 64 * 2 ** 20 });
    assert.ok(!runner.lines().some((l) => l.includes('stats/summary') || l.includes('get pods')));
  });

  it('is marked unavailable, naming both sources, when neither can be read, and then asks nothing more', async () => {
    const { runner, sampler: s } = sampler((line) => {
      if (line.includes('/apis/metrics.k8s.io')) return NOT_FOUND;
      if (line.startsWith('get pods')) return { stdout: PODS };
      return FORBIDDEN;
    });
    assert.deepEqual(await s.sample(), []);
    assert.match(s.unavailable!, /no metrics API \(metrics\.k8s\.io\) and the kubelet summary API \(nodes\/proxy stats\/summary\) is not readable/);
    const calls = runner.calls.length;
    assert.deepEqual(await s.sample(), []);
    assert.equal(runner.calls.length, calls);
  });

  it('counts the nodes whose summary it can read when another node\'s cannot be', async () => {
    const pods = JSON.parse(PODS) as { items: { spec: { nodeName: string } }[] };
    pods.items[2]!.spec.nodeName = 'caplab-m1x-worker';
    const { sampler: s } = sampler((line) => {
      if (line.includes('/apis/metrics.k8s.io')) return NOT_FOUND;
      if (line.startsWith('get pods')) return { stdout: JSON.stringify(pods) };
      if (line.includes('caplab-m1x-control-plane/proxy')) return { stdout: SUMMARY };
      return FORBIDDEN;
    });
    const samples = await s.sample();
    assert.equal(s.unavailable, undefined);
    assert.equal(samples.find((x) => x.component === 'api')!.cpuPercent, 25);
    assert.equal(samples.find((x) => x.component === 'sink')!.cpuPercent, 4, 'the sink pod is in the control-plane summary too: the summary, not the listing, says where it ran');
  });
});
