/**
 * The kubeconfig a client needs for the control plane: one cluster (plain http on 127.0.0.1),
 * one user (a bearer token if auth is on), one context, current. Written with mode 0600.
 */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'caplab';

/** The kubeconfig document for `server` (e.g. http://127.0.0.1:41234). */
export function kubeconfigYaml(server: string, token?: string): string {
  return stringify({
    apiVersion: 'v1', kind: 'Config', preferences: {},
    // client-node refuses plain http unless skipTLSVerify is set; there is no TLS to verify here
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: CONTEXT_NAME, user: token === undefined ? {} : { token } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: 'default' } }],
    'current-context': CONTEXT_NAME,
  });
}

/** Writes the kubeconfig to `path`. */
export async function writeKubeconfig(path: string, server: string, token?: string): Promise<void> {
  await writeFile(path, kubeconfigYaml(server, token), { mode: 0o600 });
}
