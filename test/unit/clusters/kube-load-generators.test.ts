import assert from 'node:assert/strict';
import type { ClusterSpec, ComponentSpec } from '../../../clusters/cluster.ts';
import { kindProvider } from '../../../clusters/providers/kind-provider.ts';
import { COMPLETION_INDEX_KEY, loadGeneratorObjects } from '../../../clusters/providers/kube-load-generator-job.ts';
import { KubeLoadGeneratorLauncher } from '../../../clusters/providers/kube-load-generators.ts';
import { Kubectl } from '../../../clusters/providers/kubectl.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { FakeRunner, TEMPLATES_YAML } from './fake-command-runner.ts';

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

function pod(name: string, index: number, ready: boolean, waiting?: string): object {
  return {
    metadata: { name, annotations: { [COMPLETION_INDEX_KEY]: String(index) } },
    status: {
      phase: ready ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      ...(waiting ? { containerStatuses: [{ state: { waiting: { reason: waiting, message: 'pull access denied' } } }] } : {}),
    },
  };
}

/** kubectl faked: `pods` answers successive `get pods`; each port-forward of pod/NAME listens on 40000 + its index. */
function fakeKubectl(pods: object[][]) {
  let listing = 0;
  const runner = new FakeRunner((_command, args) => {
    const line = args.join(' ');
    if (line.includes('get pods')) return { stdout: JSON.stringify({ items: pods[Math.min(listing++, pods.length - 1)] }) };
    return undefined;
  }, (_command, args, emit) => {
    const target = args.find((a) => a.startsWith('pod/'))!;
    emit(`Forwarding from 127.0.0.1:${40000 + Number(/^pod\/loadgen-\d+-(\d+)-/.exec(target)![1])} -> 7070`);
  });
  return { runner, kubectl: new Kubectl(runner, { kubeconfig: '/tmp/kc' }) };
}

describe('load generators as a Kubernetes Indexed Job', () => {
  describe('the Job', () => {
    const [secret, job] = loadGeneratorObjects({ name: 'loadgen-1', namespace: 'caplab-x', runId: 'x', workload: 'Checkout Flow', count: 3, token: 't0k', image: 'registry.example/caplab/reference:1' }) as unknown as Obj[];

    it('is Indexed with completions = parallelism = N, no retries, and removed after it finished', () => {
      assert.equal(job!.apiVersion, 'batch/v1');
      assert.equal(job!.kind, 'Job');
      assert.deepEqual(
        { mode: job!.spec.completionMode, completions: job!.spec.completions, parallelism: job!.spec.parallelism, backoffLimit: job!.spec.backoffLimit, restart: job!.spec.template.spec.restartPolicy },
        { mode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0, restart: 'Never' });
      assert.ok(job!.spec.ttlSecondsAfterFinished > 0);
      assert.equal(job!.spec.selector, undefined, 'the Job controller makes the selector');
    });

    it('labels the Job, its pods and the Secret with the run, so teardown finds them; the workload name goes in an annotation', () => {
      for (const o of [job!, secret!, { metadata: job!.spec.template.metadata }]) {
        assert.equal(o.metadata.labels['caplab.dev/run'], 'x');
        assert.equal(o.metadata.labels['caplab.dev/component'], 'loadgen-1');
      }
      assert.equal(job!.metadata.annotations!['caplab.dev/workload'], 'Checkout Flow');
      assert.equal(job!.metadata.namespace, 'caplab-x');
      assert.equal(secret!.metadata.namespace, 'caplab-x');
    });

    it('runs the image\'s load-generator listening on 7070, with the token from the Secret, a tcp readiness probe and resources', () => {
      const c = job!.spec.template.spec.containers[0];
      assert.equal(c.image, 'registry.example/caplab/reference:1');
      assert.deepEqual(c.args.slice(0, 3), ['load-generator', '--listen', '0.0.0.0:7070']);
      assert.deepEqual(c.env, [{ name: 'CAPLAB_LOADGEN_TOKEN', valueFrom: { secretKeyRef: { name: 'loadgen-1-token', key: 'token' } } }]);
      assert.equal(secret!.stringData.token, 't0k');
      assert.deepEqual(c.readinessProbe.tcpSocket, { port: 7070 });
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
      assert.equal(c.resources.limits.cpu, undefined, 'no CPU limit: throttling would be measured as schedule lag');
      assert.equal(job!.spec.template.spec.securityContext.runAsNonRoot, true);
    });

    it('prefers one generator per node (pod anti-affinity on its own pods)', () => {
      const term = job!.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
      assert.equal(term.podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
      assert.deepEqual(term.podAffinityTerm.labelSelector.matchLabels, { 'caplab.dev/run': 'x', 'caplab.dev/component': 'loadgen-1' });
    });
  });

  describe('the launcher, kubectl faked', () => {
    it('applies the Job, waits until every index has a Ready pod, port-forwards each pod in index order and hands over in-cluster endpoints', async () => {
      const { runner, kubectl } = fakeKubectl([
        [pod('loadgen-1-0-aaaaa', 0, false)],
        [pod('loadgen-1-2-ccccc', 2, true), pod('loadgen-1-0-aaaaa', 0, true), pod('loadgen-1-1-bbbbb', 1, true)],
      ]);
      const launcher = new KubeLoadGeneratorLauncher({ kubectl, namespace: 'caplab-x', runId: 'x', pollMs: 0, endpoints: () => ({ api: 'http://api.caplab-x.svc.cluster.local:8080' }) });
      const g = await launcher.launch(3, 'w', new AbortController().signal);
      const applied = runner.calls.filter((c) => c.input).flatMap((c) => JSON.parse(c.input!).items) as Obj[];
      assert.deepEqual(applied.map((o) => o.kind), ['Secret', 'Job']);
      assert.equal(applied[1]!.spec.completions, 3);
      assert.equal(runner.calls.filter((c) => c.args.includes('pods')).length, 2, 'listed pods until all were Ready');
      assert.ok(runner.lines().some((l) => l.includes('get pods -n caplab-x -l caplab.dev/run=x,caplab.dev/component=loadgen-1 -o json')), runner.lines().join('\n'));
      assert.deepEqual(runner.started.map((s) => s.args.slice(-4)), [
        '--address 127.0.0.1 pod/loadgen-1-0-aaaaa :7070'.split(' '),
        '--address 127.0.0.1 pod/loadgen-1-1-bbbbb :7070'.split(' '),
        '--address 127.0.0.1 pod/loadgen-1-2-ccccc :7070'.split(' '),
      ]);
      assert.deepEqual(g.urls, ['ws://127.0.0.1:40000', 'ws://127.0.0.1:40001', 'ws://127.0.0.1:40002']);
      assert.deepEqual(g.endpoints, { api: 'http://api.caplab-x.svc.cluster.local:8080' });
      assert.equal(g.token, applied[0]!.stringData.token);

      await g.stop();
      await g.stop();
      assert.ok(runner.started.every((s) => s.stopped), 'every port-forward stopped');
      assert.equal(runner.lines().filter((l) => l.includes('delete job loadgen-1 -n caplab-x')).length, 1, 'the Job is deleted once');
      assert.ok(runner.lines().some((l) => l.includes('delete secret loadgen-1-token -n caplab-x')));
      const second = await launcher.launch(1, 'v', new AbortController().signal);
      assert.ok(runner.calls.filter((c) => c.input).flatMap((c) => JSON.parse(c.input!).items).some((o: Obj) => o.kind === 'Job' && o.metadata.name === 'loadgen-2'), 'a second workload gets its own Job');
      await second.stop();
    });

    it('fails with a coded error and the image hint when a pod cannot pull the image, and deletes the Job', async () => {
      const { runner, kubectl } = fakeKubectl([[pod('loadgen-1-0-aaaaa', 0, false, 'ImagePullBackOff')]]);
      const launcher = new KubeLoadGeneratorLauncher({ kubectl, namespace: 'ns', runId: 'x', pollMs: 0, endpoints: () => ({}) });
      await assert.rejects(launcher.launch(1, 'w', new AbortController().signal), (e: unknown) =>
        e instanceof CaplabError && e.code === 'CAPLAB_ERR_KUBE_DEPLOY' && e.message.includes('loadgen-1-0-aaaaa of Job loadgen-1 cannot start: ImagePullBackOff') && e.hint.includes('npm run image:build'));
      assert.ok(runner.lines().some((l) => l.includes('delete job loadgen-1 -n ns')));
      assert.equal(runner.started.length, 0);
    });

    it('gives up after its ready timeout, saying how many pods were Ready and which wait', async () => {
      const { kubectl } = fakeKubectl([[pod('loadgen-1-0-aaaaa', 0, true), pod('loadgen-1-1-bbbbb', 1, false)]]);
      const launcher = new KubeLoadGeneratorLauncher({ kubectl, namespace: 'ns', runId: 'x', pollMs: 0, readyTimeoutMs: 0, endpoints: () => ({}) });
      await assert.rejects(launcher.launch(2, 'w', new AbortController().signal), (e: unknown) =>
        e instanceof CaplabError && e.code === 'CAPLAB_ERR_KUBE_DEPLOY' && e.message.includes('1 of 2 load-generator pods of Job loadgen-1 Ready within 0 s (loadgen-1-1-bbbbb Pending)') && e.hint.includes('describe pods'));
    });
  });

  it('a kind cluster offers the launcher, in its namespace, with the components\' cluster DNS endpoints', async () => {
    const runner = new FakeRunner((command, args) => {
      const line = [command, ...args].join(' ');
      if (line.includes(' kustomize ')) return { stdout: TEMPLATES_YAML };
      if (line.includes('get pods')) return { stdout: JSON.stringify({ items: [pod('loadgen-1-0-aaaaa', 0, true)] }) };
      return undefined;
    }, (_command, _args, emit) => emit('Forwarding from 127.0.0.1:40000 -> 7070'));
    const spec: ClusterSpec = { provider: 'kind', allowRemoteTarget: false, log: () => {} };
    const cluster = await kindProvider({ runner, onExit: () => () => {} }).up(spec, new AbortController().signal);
    const sink: ComponentSpec = { name: 'sink', component: 'tcp-echo', flags: {}, env: {}, replicas: 1, readiness: { path: '/health', timeoutMs: 5_000 } };
    await cluster.deploy([sink, { name: 'ext', flags: {}, env: {}, url: 'http://127.0.0.1:9999', replicas: 1, readiness: { path: '/', timeoutMs: 1000 } }]);
    assert.ok(cluster.loadGenerators, 'kind runs --load-generators in the cluster');
    assert.match(cluster.loadGenerators.where, /^Indexed Job in namespace caplab-[a-z0-9]+$/);
    const g = await cluster.loadGenerators.launch(1, 'w', new AbortController().signal);
    const ns = cluster.loadGenerators.where.split(' ').at(-1);
    assert.deepEqual(g.endpoints, { sink: `tcp://sink.${ns}.svc.cluster.local:8080`, ext: 'http://127.0.0.1:9999' });
    await cluster.down();
    assert.ok(runner.lines().some((l) => l.includes(`delete job loadgen-1 -n ${ns}`)), 'down() ends a launch nobody stopped');
  });
});
