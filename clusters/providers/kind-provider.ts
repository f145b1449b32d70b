/**
 * The `kind` provider: an ephemeral cluster per run, made by the kind CLI from
 * clusters/kind/kind-config.yaml, with the reference image loaded into it (`kind load
 * docker-image`, no registry), components reached on NodePorts mapped to 127.0.0.1, and the
 * cluster deleted at the end, on SIGINT (the run's down()), and by an exit hook if caplab dies first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaplabError } from '../../harness/errors.ts';
import type { Cluster, ClusterProvider, ClusterSpec } from '../cluster.ts';
import { REFERENCE_IMAGE } from '../image/reference-image.ts';
import { systemRunner, type CommandRunner } from './command-runner.ts';
import { exitCleanup, type ExitCleanup } from './exit-cleanup.ts';
import { KubeCluster, newRunId } from './kube-cluster.ts';
import { NodePortExposer } from './kube-exposers.ts';
import { KIND_CONFIG, overlayDir, type ManifestTier } from './kube-paths.ts';
import { Kubectl } from './kubectl.ts';
import { firstLine, requireDockerCluster } from './prerequisites.ts';

export interface KindProviderDeps {
  runner?: CommandRunner;
  onExit?: ExitCleanup;
  tier?: ManifestTier;
}

/** A kind provider; tests pass a fake runner and exit hook. */
export function kindProvider(deps: KindProviderDeps = {}): ClusterProvider {
  const runner = deps.runner ?? systemRunner;
  const onExit = deps.onExit ?? exitCleanup;
  return {
    name: 'kind',
    async up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster> {
      await requireDockerCluster(runner, ['kind', 'kubectl'], signal);

      const runId = newRunId();
      const name = `caplab-${runId}`;
      const dir = await mkdtemp(join(tmpdir(), `${name}-`));
      const kubeconfig = join(dir, 'kubeconfig');
      const unregister = onExit('kind', ['delete', 'cluster', '--name', name]);
      const teardown = async (): Promise<void> => {
        spec.log(`[kind] deleting cluster ${name}`);
        const r = await runner.run('kind', ['delete', 'cluster', '--name', name]);
        await rm(dir, { recursive: true, force: true });
        if (r.code !== 0) throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `\`kind delete cluster --name ${name}\` failed: ${firstLine(r.stderr)}`, { hint: `delete it by hand: kind delete cluster --name ${name}` });
        unregister();
      };
      try {
        spec.log(`[kind] creating cluster ${name} from ${KIND_CONFIG}`);
        await kind(runner, ['create', 'cluster', '--name', name, '--config', KIND_CONFIG, '--kubeconfig', kubeconfig, '--wait', '120s'], signal);
        spec.log(`[kind] loading ${REFERENCE_IMAGE}`);
        await kind(runner, ['load', 'docker-image', REFERENCE_IMAGE, '--name', name], signal);
      } catch (err) {
        await teardown().catch(() => {});
        throw err;
      }
      return new KubeCluster({
        provider: 'kind', spec, runId, teardown,
        kubectl: new Kubectl(runner, { kubeconfig }, spec.log),
        namespace: name,
        deleteNamespace: false,
        overlayDir: overlayDir(deps.tier ?? 'small'),
        exposer: new NodePortExposer(),
      });
    },
  };
}

async function kind(runner: CommandRunner, args: string[], signal: AbortSignal): Promise<void> {
  const r = await runner.run('kind', args, { signal });
  signal.throwIfAborted();
  if (r.code !== 0) throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `\`kind ${args.slice(0, 2).join(' ')}\` exited ${r.code}: ${firstLine(r.stderr)}`);
}
