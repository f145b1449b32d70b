/** Helpers shared by the operator integration tests: CRD apply, agent bodies, polling. */
import { readFile } from 'node:fs/promises';
import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ControlPlane } from '../../clusters/control-plane/server.ts';
import type { RDEAgent } from '../../reference-impl/operator/rdeagent.ts';

const CRD_PATH = new URL('../../reference-impl/operator/crd/rdeagents.kuberde.io.yaml', import.meta.url);
export const NS = 'default';

/** Polls fn every 25 ms until it returns a value other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) { lastErr = err; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Applies the RDEAgent CRD and waits until the kind is served. */
export async function applyCrd(cp: ControlPlane): Promise<void> {
  const kc = cp.kubeConfig();
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: parse(await readFile(CRD_PATH, 'utf8')) });
  const custom = kc.makeApiClient(CustomObjectsApi);
  await waitFor('the rdeagents resource to be served', async () => (await custom.listNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents' })) ?? undefined);
}

export function agentBody(name: string, spec: Record<string, unknown> = {}): RDEAgent {
  return {
    apiVersion: 'kuberde.io/v1', kind: 'RDEAgent', metadata: { name, namespace: NS, labels: { owner: 'stresstest' } },
    spec: { owner: 'stresstest', serverUrl: 'ws://frp-server.kuberde.svc/ws', authSecret: 'frp-agent-auth', workloadImage: 'nginx:alpine', ttl: '0', ...spec },
  };
}
