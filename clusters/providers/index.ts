/**
 * Cluster providers by the name `--cluster` and scenario files use.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { ClusterProvider } from '../cluster.ts';
import { k3sProvider } from './k3s-provider.ts';
import { kindProvider } from './kind-provider.ts';
import { kubeconfigProvider } from './kubeconfig-provider.ts';
import { localProvider } from './local-provider.ts';

/** Every provider by name; a provider checks its own prerequisites (Docker, kind, kubectl) in up(). */
const PROVIDERS: readonly ClusterProvider[] = [localProvider, kindProvider(), k3sProvider(), kubeconfigProvider()];

/** Every provider name. */
export const PROVIDER_NAMES: readonly string[] = PROVIDERS.map((p) => p.name);

/** The provider called `name`; throws CAPLAB_ERR_USAGE for an unknown name. */
export function getProvider(name: string): ClusterProvider {
  const provider = PROVIDERS.find((p) => p.name === name);
  if (provider) return provider;
  throw new CaplabError('CAPLAB_ERR_USAGE', `unknown cluster provider '${name}' (valid: ${PROVIDER_NAMES.join(', ')})`, { hint: 'use --cluster local' });
}
