/**
 * The `k3s` provider: an ephemeral k3s cluster in one Docker container, started by
 * testcontainers' K3sContainer (11.x: 12.x needs Node 22). The reference image is `docker save`d,
 * copied in and imported into k3s's containerd; components are reached by `kubectl port-forward`.
 * The container is stopped at the end; if caplab dies first, testcontainers' reaper (Ryuk)
 * removes it.
 *
 * `@testcontainers/k3s` is an optional peer dependency, imported only here and only when this
 * provider runs, so `npm ci` stays without dockerode and its tree for everyone who never uses it:
 * `npm install --no-save @testcontainers/k3s@~11.14.0` adds it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaplabError } from '../../harness/errors.ts';
import type { Cluster, ClusterProvider, ClusterSpec } from '../cluster.ts';
import { REFERENCE_IMAGE } from '../image/reference-image.ts';
import { systemRunner, type CommandRunner } from './command-runner.ts';
import { KubeCluster, newRunId } from './kube-cluster.ts';
import { PortForwardExposer } from './kube-exposers.ts';
import { overlayDir, type ManifestTier } from './kube-paths.ts';
import { Kubectl } from './kubectl.ts';
import { firstLine, requireDockerCluster } from './prerequisites.ts';

/** The k3s image, pinned (Kubernetes 1.32, as kind-config.yaml's node). */
export const K3S_IMAGE = 'rancher/k3s:v1.32.4-k3s1';
/** The version range package.json's peerDependencies names. */
export const K3S_MODULE = '@testcontainers/k3s';
const INSTALL_HINT = `npm install --no-save ${K3S_MODULE}@~11.14.0 (testcontainers 11.x runs on Node 20), or use --cluster kind or local`;

/** The part of @testcontainers/k3s this provider uses: its boundary, faked in tests. */
export interface K3sModule {
  K3sContainer: new (image: string) => { start(): Promise<StartedK3s> };
}

export interface StartedK3s {
  getKubeConfig(): string;
  copyFilesToContainer(files: { source: string; target: string }[]): Promise<void>;
  exec(command: string[]): Promise<{ exitCode: number; output: string }>;
  stop(): Promise<unknown>;
}

export interface K3sProviderDeps {
  runner?: CommandRunner;
  /** loads @testcontainers/k3s; rejects when it is not installed */
  loadModule?: () => Promise<K3sModule>;
  tier?: ManifestTier;
}

/** Imports the module by a name TypeScript does not resolve, so it type-checks without it installed. */
async function importK3s(): Promise<K3sModule> {
  const name: string = K3S_MODULE;
  return (await import(name)) as K3sModule;
}

/** A k3s provider; tests pass a fake runner and a fake module. */
export function k3sProvider(deps: K3sProviderDeps = {}): ClusterProvider {
  const runner = deps.runner ?? systemRunner;
  const loadModule = deps.loadModule ?? importK3s;
  return {
    name: 'k3s',
    async up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster> {
      await requireDockerCluster(runner, ['kubectl'], signal);
      let mod: K3sModule;
      try {
        mod = await loadModule();
      } catch (err) {
        throw new CaplabError('CAPLAB_ERR_TOOL_MISSING', `${K3S_MODULE} is not installed (${(err as Error).message})`, { hint: INSTALL_HINT, cause: err });
      }

      const runId = newRunId();
      const dir = await mkdtemp(join(tmpdir(), `caplab-${runId}-`));
      spec.log(`[k3s] starting ${K3S_IMAGE}`);
      let container: StartedK3s;
      try {
        container = await new mod.K3sContainer(K3S_IMAGE).start();
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `the k3s container did not start: ${(err as Error).message}`, { cause: err });
      }
      const teardown = async (): Promise<void> => {
        spec.log('[k3s] stopping the container');
        try { await container.stop(); } finally { await rm(dir, { recursive: true, force: true }); }
      };
      try {
        signal.throwIfAborted();
        const kubeconfig = join(dir, 'kubeconfig');
        await writeFile(kubeconfig, container.getKubeConfig(), { mode: 0o600 });
        spec.log(`[k3s] loading ${REFERENCE_IMAGE}`);
        const tar = join(dir, 'reference-image.tar');
        const saved = await runner.run('docker', ['save', '-o', tar, REFERENCE_IMAGE], { signal });
        if (saved.code !== 0) throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `\`docker save ${REFERENCE_IMAGE}\` failed: ${firstLine(saved.stderr)}`);
        await container.copyFilesToContainer([{ source: tar, target: '/tmp/caplab-reference.tar' }]);
        const imported = await container.exec(['ctr', '-n', 'k8s.io', 'images', 'import', '/tmp/caplab-reference.tar']);
        if (imported.exitCode !== 0) throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `importing ${REFERENCE_IMAGE} into k3s failed: ${firstLine(imported.output)}`);
        signal.throwIfAborted();
        const kubectl = new Kubectl(runner, { kubeconfig }, spec.log);
        const namespace = `caplab-${runId}`;
        return new KubeCluster({
          provider: 'k3s', spec, runId, kubectl, namespace, teardown,
          deleteNamespace: false,
          overlayDir: overlayDir(deps.tier ?? 'small'),
          exposer: new PortForwardExposer(kubectl, namespace),
        });
      } catch (err) {
        await teardown().catch(() => {});
        throw err;
      }
    },
  };
}
