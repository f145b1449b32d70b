/**
 * What the real-cluster providers need before they start anything, each checked with the CLI
 * itself and failing fast with a coded error that says how to fix it.
 */
import { CaplabError } from '../../harness/errors.ts';
import { REFERENCE_IMAGE } from '../image/reference-image.ts';
import type { CommandRunner } from './command-runner.ts';

/** How to install each tool a provider drives. */
const INSTALL: Record<string, string> = {
  docker: 'install Docker (https://docs.docker.com/engine/install/) or use --cluster local',
  kind: 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. `go install sigs.k8s.io/kind@v0.27.0`) or use --cluster local',
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) or use --cluster local',
};

/** `docker info` must succeed: the kind and k3s providers run Kubernetes in Docker containers. */
export async function requireDocker(runner: CommandRunner, signal?: AbortSignal): Promise<void> {
  const r = await runner.run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000, ...(signal ? { signal } : {}) });
  if (r.notFound) throw new CaplabError('CAPLAB_ERR_TOOL_MISSING', 'docker is not on PATH', { hint: INSTALL.docker! });
  if (r.code !== 0) {
    throw new CaplabError('CAPLAB_ERR_DOCKER_UNAVAILABLE', `start Docker or use --cluster local (\`docker info\`: ${firstLine(r.stderr || r.stdout)})`);
  }
}

/** `tool versionArgs...` must run: the tool is installed and on PATH. */
export async function requireTool(runner: CommandRunner, tool: 'kind' | 'kubectl', signal?: AbortSignal): Promise<void> {
  const args = tool === 'kubectl' ? ['version', '--client', '--output=json'] : ['version'];
  const r = await runner.run(tool, args, { timeoutMs: 20_000, ...(signal ? { signal } : {}) });
  if (r.notFound) throw new CaplabError('CAPLAB_ERR_TOOL_MISSING', `${tool} is not on PATH`, { hint: INSTALL[tool]! });
  if (r.code !== 0) throw new CaplabError('CAPLAB_ERR_TOOL_MISSING', `\`${tool} ${args.join(' ')}\` failed: ${firstLine(r.stderr)}`, { hint: INSTALL[tool]! });
}

/** The reference image must be in the local Docker engine, to be loaded into the cluster. */
export async function requireReferenceImage(runner: CommandRunner, image = REFERENCE_IMAGE, signal?: AbortSignal): Promise<void> {
  const r = await runner.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 20_000, ...(signal ? { signal } : {}) });
  if (r.code !== 0) throw new CaplabError('CAPLAB_ERR_IMAGE_MISSING', `${image} is not in the local Docker engine`, { hint: 'build it with `npm run image:build`' });
}

/**
 * What a provider that runs Kubernetes in Docker (kind, k3s) checks before it starts anything, in
 * this order: Docker, each CLI it drives, the reference image to load.
 */
export async function requireDockerCluster(runner: CommandRunner, tools: readonly ('kind' | 'kubectl')[], signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  await requireDocker(runner, signal);
  for (const tool of tools) await requireTool(runner, tool, signal);
  await requireReferenceImage(runner, REFERENCE_IMAGE, signal);
}

/** The first non-empty line of a CLI's output, for error messages. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '(no output)';
}
