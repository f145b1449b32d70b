/**
 * The `kubeconfig` provider: an existing cluster, named by `--context` (never the current context
 * by default: deploying into the wrong cluster is the mistake this refuses). Each run gets its own
 * namespace `caplab-<run id>`; every object carries the run's label; down() deletes the namespace
 * and any CRD the run created. The cluster must be able to pull the image: push caplab/reference
 * to a registry it reads and name it in CAPLAB_REFERENCE_IMAGE. Components are reached by
 * `kubectl port-forward`.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { Cluster, ClusterProvider, ClusterSpec } from '../cluster.ts';
import { REFERENCE_IMAGE } from '../image/reference-image.ts';
import { systemRunner, type CommandRunner } from './command-runner.ts';
import { KubeCluster, newRunId } from './kube-cluster.ts';
import { PortForwardExposer } from './kube-exposers.ts';
import { overlayDir, type ManifestTier } from './kube-paths.ts';
import { Kubectl } from './kubectl.ts';
import { requireTool } from './prerequisites.ts';

/** Environment variable naming the image the cluster pulls (default caplab/reference:dev). */
export const IMAGE_ENV = 'CAPLAB_REFERENCE_IMAGE';

export interface KubeconfigProviderDeps {
  runner?: CommandRunner;
  env?: NodeJS.ProcessEnv;
  tier?: ManifestTier;
}

/** A kubeconfig provider; tests pass a fake runner. */
export function kubeconfigProvider(deps: KubeconfigProviderDeps = {}): ClusterProvider {
  const runner = deps.runner ?? systemRunner;
  const env = deps.env ?? process.env;
  return {
    name: 'kubeconfig',
    async up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster> {
      signal.throwIfAborted();
      await requireTool(runner, 'kubectl', signal);
      const probe = new Kubectl(runner, {}, spec.log);
      const contexts = ((await probe.tryRun(['config', 'get-contexts', '-o', 'name'], { signal })) ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
      const current = ((await probe.tryRun(['config', 'current-context'], { signal })) ?? '').trim();
      if (spec.context === undefined) {
        throw new CaplabError('CAPLAB_ERR_KUBE_CONTEXT', `the kubeconfig provider deploys into an existing cluster and only into the context --context names${current ? ` (the current context is '${current}'; it is not used unless named)` : ''}`,
          { hint: contexts.length > 0 ? `pass --context <name>; contexts in your kubeconfig: ${contexts.join(', ')}` : 'no contexts found: set KUBECONFIG or create one with `kubectl config set-context`' });
      }
      if (!contexts.includes(spec.context)) {
        throw new CaplabError('CAPLAB_ERR_KUBE_CONTEXT', `context '${spec.context}' is not in your kubeconfig`,
          { hint: contexts.length > 0 ? `contexts: ${contexts.join(', ')}` : 'no contexts found: set KUBECONFIG' });
      }
      const kubectl = new Kubectl(runner, { context: spec.context }, spec.log);
      // Reachable and allowed at all: fails here with kubectl's own words (unauthorized, no route).
      await kubectl.run(['auth', 'can-i', 'create', 'namespaces'], { signal, timeoutMs: 30_000 }).catch((err: unknown) => {
        throw new CaplabError('CAPLAB_ERR_KUBE_CONTEXT', `context '${spec.context}' cannot create namespaces: ${(err as Error).message.replace(/^[^:]*: /, '')}`,
          { hint: 'caplab needs to create and delete its own namespace; use a context with that right', cause: err });
      });
      const runId = newRunId();
      const namespace = `caplab-${runId}`;
      spec.log(`[kubeconfig] context ${spec.context}, namespace ${namespace}`);
      return new KubeCluster({
        provider: 'kubeconfig', spec, runId, kubectl, namespace,
        deleteNamespace: true,
        overlayDir: overlayDir(deps.tier ?? 'small'),
        exposer: new PortForwardExposer(kubectl, namespace),
        image: env[IMAGE_ENV] || REFERENCE_IMAGE,
      });
    },
  };
}
