import assert from 'node:assert/strict';
import { CaplabError } from '../../../harness/errors.ts';
import type { ClusterSpec, ComponentSpec } from '../../../clusters/cluster.ts';
import { systemRunner } from '../../../clusters/providers/command-runner.ts';
import { kindProvider } from '../../../clusters/providers/kind-provider.ts';
import { KIND_CONFIG } from '../../../clusters/providers/kube-paths.ts';
import { FakeRunner, NO_DOCKER, TEMPLATES_YAML } from './fake-command-runner.ts';

const spec: ClusterSpec = { provider: 'kind', allowRemoteTarget: false, log: () => {} };
const tcpEcho: ComponentSpec = { name: 'sink', component: 'tcp-echo', flags: {}, env: {}, replicas: 2, readiness: { path: '/health', timeoutMs: 30_000 } };

/** A kind run where every command succeeds, unless `fail` answers for it. */
function fakes(fail: (line: string) => object | undefined = () => undefined) {
  const hooks: { args: readonly string[]; registered: boolean }[] = [];
  const runner = new FakeRunner((command, args) => {
    const line = [command, ...args].join(' ');
    const failed = fail(line);
    if (failed) return failed;
    if (line.includes(' kustomize ')) return { stdout: TEMPLATES_YAML };
    return undefined;
  });
  const onExit = (command: string, args: readonly string[]) => {
    assert.equal(command, 'kind');
    const hook = { args, registered: true };
    hooks.push(hook);
    return () => { hook.registered = false; };
  };
  return { runner, hooks, provider: kindProvider({ runner, onExit }) };
}

function rejectsWith(code: string, includes: string) {
  return (err: unknown) => {
    assert.ok(err instanceof CaplabError, String(err));
    assert.equal(err.code, code);
    assert.ok(err.message.includes(includes), err.message);
    return true;
  };
}

describe('kind provider', () => {
  it('fails fast without a Docker engine, telling the user to start Docker or use local, and runs no kind command', async () => {
    const { runner, provider } = fakes((line) => (line.startsWith('docker info') ? NO_DOCKER : undefined));
    await assert.rejects(provider.up(spec, new AbortController().signal), rejectsWith('CAPLAB_ERR_DOCKER_UNAVAILABLE', 'Docker engine not reachable: start Docker or use --cluster local'));
    assert.deepEqual(runner.calls.map((c) => c.command), ['docker']);
  });

  it('names kind when it is not on PATH, with how to install it', async () => {
    const { provider } = fakes((line) => (line.startsWith('kind version') ? { code: 127, notFound: true } : undefined));
    await assert.rejects(provider.up(spec, new AbortController().signal), (err: unknown) =>
      rejectsWith('CAPLAB_ERR_TOOL_MISSING', 'kind is not on PATH')(err) && (err as CaplabError).hint.includes('kind.sigs.k8s.io'));
  });

  it('asks for npm run image:build when the reference image is not in Docker', async () => {
    const { provider } = fakes((line) => (line.startsWith('docker image inspect') ? { code: 1, stderr: 'No such image' } : undefined));
    await assert.rejects(provider.up(spec, new AbortController().signal), (err: unknown) =>
      rejectsWith('CAPLAB_ERR_IMAGE_MISSING', 'caplab/reference:dev')(err) && (err as CaplabError).hint.includes('npm run image:build'));
  });

  it('creates the cluster from kind-config.yaml, loads the image, deploys on NodePorts and deletes the cluster once at the end', async () => {
    const { runner, hooks, provider } = fakes();
    const cluster = await provider.up(spec, new AbortController().signal);
    const lines = runner.lines();
    const create = lines.find((l) => l.startsWith('kind create cluster'))!;
    const name = /--name (caplab-[a-z0-9]+)/.exec(create)![1]!;
    assert.ok(create.includes(`--config ${KIND_CONFIG}`), create);
    assert.ok(lines.includes(`kind load docker-image caplab/reference:dev --name ${name}`), lines.join('\n'));
    assert.deepEqual(hooks.map((h) => [...h.args]), [['delete', 'cluster', '--name', name]], 'an exit hook deletes the cluster if caplab dies first');

    const endpoints = await cluster.deploy([tcpEcho]);
    assert.deepEqual(endpoints, { sink: 'tcp://127.0.0.1:30080' });
    const applied = runner.calls.filter((c) => c.args.includes('apply')).map((c) => JSON.parse(c.input!).items).flat();
    const svc = applied.find((o: { kind: string; metadata: { name: string } }) => o.kind === 'Service' && o.metadata.name === 'sink');
    assert.equal(svc.spec.type, 'NodePort');
    assert.equal(svc.spec.ports[0].nodePort, 30080);
    const dep = applied.find((o: { kind: string }) => o.kind === 'Deployment');
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(dep.spec.template.spec.containers[0].readinessProbe.tcpSocket, { port: 8080 });
    assert.ok(runner.lines().some((l) => l.includes(`rollout status deployment/sink -n ${name} --timeout=30s`)));

    await cluster.down();
    await cluster.down();
    assert.equal(runner.lines().filter((l) => l === `kind delete cluster --name ${name}`).length, 1);
    assert.equal(hooks[0]!.registered, false, 'the exit hook is removed once the cluster is gone');
  });

  it('deletes the half-made cluster when kind create fails', async () => {
    const { runner, hooks, provider } = fakes((line) => (line.startsWith('kind create') ? { code: 1, stderr: 'ERROR: failed to create cluster: node(s) already exist' } : undefined));
    await assert.rejects(provider.up(spec, new AbortController().signal), rejectsWith('CAPLAB_ERR_KUBE_DEPLOY', 'node(s) already exist'));
    assert.ok(runner.lines().some((l) => l.startsWith('kind delete cluster --name caplab-')));
    assert.equal(hooks[0]!.registered, false);
  });

  it('deletes the cluster when the run is interrupted while the image loads', async () => {
    const stop = new AbortController();
    const { runner, provider } = fakes((line) => {
      if (line.startsWith('kind load')) { stop.abort(new Error('SIGINT')); return { code: 130 }; }
      return undefined;
    });
    await assert.rejects(provider.up(spec, stop.signal), /SIGINT/);
    assert.ok(runner.lines().some((l) => l.startsWith('kind delete cluster --name caplab-')));
  });

  it('on this machine, the real docker check gives the coded error when no engine answers', async function () {
    const probe = await systemRunner.run('docker', ['info']);
    if (probe.code === 0) this.skip(); // a machine with Docker would go on to create a cluster
    await assert.rejects(kindProvider().up(spec, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && (err.code === 'CAPLAB_ERR_DOCKER_UNAVAILABLE' || (probe.notFound && err.code === 'CAPLAB_ERR_TOOL_MISSING')));
  });
});
