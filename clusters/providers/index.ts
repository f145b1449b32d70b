/**
 * Cluster providers by the name `--cluster` and scenario files use.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { ClusterProvider } from '../cluster.ts';
import { localProvider } from './local-provider.ts';

/** Providers that are designed but not built yet (issue 8). */
const NOT_BUILT = ['kind', 'k3s', 'kubeconfig'] as const;

/** Every provider name, built or not. */
export const PROVIDER_NAMES: readonly string[] = ['local', ...NOT_BUILT];

/** The provider called `name`; throws CAPLAB_ERR_PROVIDER_UNAVAILABLE for one not built yet, CAPLAB_ERR_USAGE for an unknown name. */
export function getProvider(name: string): ClusterProvider {
  if (name === localProvider.name) return localProvider;
  if ((NOT_BUILT as readonly string[]).includes(name)) {
    throw new CaplabError('CAPLAB_ERR_PROVIDER_UNAVAILABLE', `the ${name} provider is not built yet`, { hint: 'use --cluster local' });
  }
  throw new CaplabError('CAPLAB_ERR_USAGE', `unknown cluster provider '${name}' (valid: ${PROVIDER_NAMES.join(', ')})`, { hint: 'use --cluster local' });
}
