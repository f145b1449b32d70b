/**
 * `--manifest`: Kubernetes objects (YAML, `---`-separated) the control plane applies to itself at
 * start, as `kubectl apply -f` would (created, or replaced if they exist; namespaces first), and
 * then waits for: it is ready once every Deployment among them has all its replicas Ready. This is
 * how a scenario deploys a Deployment, its Service and its HPA on the local kubelet.
 */
import { parseAllDocuments } from 'yaml';
import { kindKeyOf, type KubeObject, type ObjectStore } from './object-store.ts';
import type { ResourceApi } from './resource-api.ts';
import type { ResourceRegistry, ResourceType } from './resource-registry.ts';

/** Applies every object in `text`; throws an Error naming the document that is wrong. */
export function applyManifest(registry: ResourceRegistry, api: ResourceApi, text: string): KubeObject[] {
  const docs = parseAllDocuments(text);
  const objects: { obj: KubeObject; type: ResourceType; at: number }[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`manifest document ${i + 1} is not YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj === null) return;
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    const type = registry.all().find((t) => t.group === group && t.version === version && t.kind === obj.kind);
    if (type === undefined) throw new Error(`manifest document ${i + 1}: ${apiVersion} ${String(obj.kind)} is not served by this control plane`);
    if (typeof obj.metadata?.name !== 'string') throw new Error(`manifest document ${i + 1} (${String(obj.kind)}) has no metadata.name`);
    objects.push({ obj, type, at: i });
  });
  // namespaces and CRDs before what lives in them
  const rank = (t: ResourceType) => (t.plural === 'namespaces' ? 0 : t.plural === 'customresourcedefinitions' ? 1 : 2);
  objects.sort((a, b) => rank(a.type) - rank(b.type) || a.at - b.at);
  return objects.map(({ obj, type }) => {
    const namespace = type.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    try {
      return api.create(type, namespace, obj);
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw new Error(`${obj.kind}/${obj.metadata.name}: ${(err as Error).message}`);
      const existing = api.get(type, namespace, obj.metadata.name!);
      return api.update(type, namespace, obj.metadata.name!, { ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata.resourceVersion } }, undefined);
    }
  });
}

/** Resolves once every Deployment in `objects` has spec.replicas Ready pods; rejects after `timeoutMs` naming those that are not. */
export async function untilDeploymentsReady(store: ObjectStore, objects: readonly KubeObject[], timeoutMs: number): Promise<void> {
  const deployments = objects.filter((o) => o.kind === 'Deployment' && String(o.apiVersion).startsWith('apps/'));
  const notReady = () => deployments.filter((d) => {
    const now = store.get(kindKeyOf('apps', 'deployments'), d.metadata.namespace!, d.metadata.name!);
    const want = (now?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    return ((now?.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0) < want;
  });
  const deadline = Date.now() + timeoutMs;
  while (notReady().length > 0) {
    if (Date.now() > deadline) throw new Error(`Deployments not Ready after ${timeoutMs} ms: ${notReady().map((d) => `${d.metadata.namespace}/${d.metadata.name}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
