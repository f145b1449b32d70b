import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ClusterSpec } from '../../../clusters/cluster.ts';
import { K3S_IMAGE, k3sProvider, type K3sModule, type StartedK3s } from '../../../clusters/providers/k3s-provider.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { FakeRunner, NO_DOCKER } from './fake-command-runner.ts';

const spec: ClusterSpec = { provider: 'k3s', allowRemoteTarget: false, log: () => {} };

/** A fake @testcontainers/k3s: records what the provider did to "its" container. */
function fakeModule(options: { importExit?: number } = {}) {
  const events: string[] = [];
  let kubeconfigSeen = '';
  const started: StartedK3s = {
    getKubeConfig: () => { kubeconfigSeen = 'apiVersion: v1\nkind: Config\nclusters: [{name: k3s, cluster: {server: https://localhost:32771}}]\n'; return kubeconfigSeen; },
    copyFilesToContainer: async (files) => { events.push(`copy ${files.map((f) => f.target).join(',')}`); },
    exec: async (command) => { events.push(`exec ${command.join(' ')}`); return { exitCode: options.importExit ?? 0, output: options.importExit ? 'ctr: image import failed' : 'unpacking' }; },
    stop: async () => { events.push('stop'); },
  };
  const mod: K3sModule = {
    K3sContainer: class {
      constructor(image: string) { events.push(`new ${image}`); }
      async start() { events.push('start'); return started; }
    },
  };
  return { mod, events };
}

describe('k3s provider', () => {
  it('fails fast without a Docker engine, before loading testcontainers', async () => {
    let loaded = false;
    const provider = k3sProvider({ runner: new FakeRunner((c, a) => (c === 'docker' && a[0] === 'info' ? NO_DOCKER : undefined)), loadModule: async () => { loaded = true; return fakeModule().mod; } });
    await assert.rejects(provider.up(spec, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_DOCKER_UNAVAILABLE' && err.message.includes('start Docker or use --cluster local'));
    assert.equal(loaded, false);
  });

  it('says how to install @testcontainers/k3s when it is not installed', async () => {
    const provider = k3sProvider({ runner: new FakeRunner(), loadModule: () => Promise.reject(new Error("Cannot find package '@testcontainers/k3s'")) });
    await assert.rejects(provider.up(spec, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_TOOL_MISSING' && err.hint.includes('npm install --no-save @testcontainers/k3s@~11.14.0'));
  });

  it('starts the pinned k3s image, writes its kubeconfig, imports the reference image, and stops the container at down', async () => {
    const { mod, events } = fakeModule();
    const runner = new FakeRunner();
    const cluster = await k3sProvider({ runner, loadModule: async () => mod }).up(spec, new AbortController().signal);
    assert.deepEqual(events, [`new ${K3S_IMAGE}`, 'start', 'copy /tmp/caplab-reference.tar', 'exec ctr -n k8s.io images import /tmp/caplab-reference.tar']);
    const save = runner.calls.find((c) => c.command === 'docker' && c.args[0] === 'save')!;
    assert.equal(save.args.at(-1), 'caplab/reference:dev');
    // kubectl talks to the container through the kubeconfig it handed out
    const cluster_ = cluster as unknown as { o: { kubectl: { target: { kubeconfig: string } } } };
    assert.match(await readFile(cluster_.o.kubectl.target.kubeconfig, 'utf8'), /server: https:\/\/localhost:32771/);
    await cluster.down();
    await cluster.down();
    assert.deepEqual(events.filter((e) => e === 'stop'), ['stop']);
  });

  it('stops the container when the image import fails', async () => {
    const { mod, events } = fakeModule({ importExit: 1 });
    await assert.rejects(k3sProvider({ runner: new FakeRunner(), loadModule: async () => mod }).up(spec, new AbortController().signal), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_KUBE_DEPLOY' && err.message.includes('ctr: image import failed'));
    assert.equal(events.at(-1), 'stop');
  });
});
