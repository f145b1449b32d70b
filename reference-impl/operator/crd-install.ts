/**
 * `--install-crd`: the operator creates (or updates) its own CRD at start, so a scenario or a fresh
 * cluster needs no separate `kubectl apply` before the operator can list RDEAgents. Works on any
 * API server whose RBAC lets the operator write customresourcedefinitions.
 */
import { readFile } from 'node:fs/promises';
import { ApiException, ApiextensionsV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { GROUP, PLURAL, VERSION } from './rdeagent.ts';

const CRD_FILE = new URL('./crd/rdeagents.kuberde.io.yaml', import.meta.url);
const POLL_MS = 50;

/** The CRD this operator serves, as shipped in crd/. */
export async function rdeagentCrd(): Promise<V1CustomResourceDefinition> {
  return parse(await readFile(CRD_FILE, 'utf8')) as V1CustomResourceDefinition;
}

/** Creates the CRD, or replaces it when one exists, then waits until `rdeagents` is served (or the signal aborts). */
export async function installCrd(kc: KubeConfig, signal: AbortSignal): Promise<'created' | 'updated'> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const body = await rdeagentCrd();
  let outcome: 'created' | 'updated' = 'created';
  try {
    await ext.createCustomResourceDefinition({ body });
  } catch (err) {
    if (!(err instanceof ApiException) || err.code !== 409) throw err;
    const existing = await ext.readCustomResourceDefinition({ name: body.metadata!.name! });
    await ext.replaceCustomResourceDefinition({ name: body.metadata!.name!, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
    outcome = 'updated';
  }
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (;;) {
    signal.throwIfAborted();
    try {
      await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, limit: 1 });
      return outcome;
    } catch (err) {
      if (!(err instanceof ApiException) || err.code !== 404) throw err;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
