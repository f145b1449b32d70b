/**
 * CustomResourceDefinitions: their spec is checked on write (zod; 422 with every problem), their
 * served versions become resource types the moment they are stored, their status reports
 * NamesAccepted and Established (what `kubectl wait --for condition=established` waits for), and
 * deleting one deletes every object of its kind.
 */
import { z } from 'zod';
import { kindKeyOf, type KubeObject, type ObjectStore, type StoreChange } from './object-store.ts';
import type { ResourceRegistry, ResourceType } from './resource-registry.ts';
import type { JsonSchema } from './schema-validation.ts';
import { invalid } from './status-errors.ts';

const CRD_KIND_KEY = kindKeyOf('apiextensions.k8s.io', 'customresourcedefinitions');
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const crdSpec = z.object({
  group: z.string().min(1).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'should be a domain with at least one dot'),
  names: z.object({
    plural: z.string().regex(DNS_LABEL),
    singular: z.string().regex(DNS_LABEL).optional(),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'should be a CamelCase kind'),
    listKind: z.string().optional(),
    shortNames: z.array(z.string().regex(DNS_LABEL)).optional(),
    categories: z.array(z.string()).optional(),
  }),
  scope: z.enum(['Namespaced', 'Cluster']),
  versions: z.array(z.object({
    name: z.string().regex(DNS_LABEL),
    served: z.boolean(),
    storage: z.boolean(),
    schema: z.object({ openAPIV3Schema: z.record(z.string(), z.unknown()) }).optional(),
    subresources: z.object({
      status: z.object({}).passthrough().optional(),
      scale: z.object({ specReplicasPath: z.string(), statusReplicasPath: z.string(), labelSelectorPath: z.string().optional() }).optional(),
    }).optional(),
    additionalPrinterColumns: z.array(z.object({
      name: z.string(), type: z.string(), jsonPath: z.string(), description: z.string().optional(), priority: z.number().optional(), format: z.string().optional(),
    })).optional(),
  }).passthrough()).min(1),
}).passthrough();

type CrdSpec = z.infer<typeof crdSpec>;

/** Throws 422 Invalid unless `obj` is a well-formed CRD named `<plural>.<group>` with exactly one storage version. */
export function validateCrd(obj: KubeObject): void {
  const parsed = crdSpec.safeParse(obj.spec);
  const name = obj.metadata.name ?? '';
  const group = 'apiextensions.k8s.io';
  if (!parsed.success) {
    throw invalid('CustomResourceDefinition', group, name, parsed.error.issues.map((i) => ({ field: ['spec', ...i.path.map(String)].join('.'), message: i.message })));
  }
  const spec = parsed.data;
  const causes = [];
  if (name !== `${spec.names.plural}.${spec.group}`) causes.push({ field: 'metadata.name', message: `must be spec.names.plural+"."+spec.group (${spec.names.plural}.${spec.group})` });
  if (spec.versions.filter((v) => v.storage).length !== 1) causes.push({ field: 'spec.versions', message: 'must have exactly one version marked as storage version' });
  if (causes.length > 0) throw invalid('CustomResourceDefinition', group, name, causes);
}

/** The resource types a CRD serves, one per served version. */
export function crdTypes(spec: CrdSpec): ResourceType[] {
  return spec.versions.filter((v) => v.served).map((v) => ({
    group: spec.group, version: v.name, kind: spec.names.kind, listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural, singular: spec.names.singular ?? spec.names.kind.toLowerCase(), namespaced: spec.scope === 'Namespaced',
    shortNames: spec.names.shortNames ?? [], categories: spec.names.categories ?? [],
    subresources: { status: v.subresources?.status !== undefined, ...(v.subresources?.scale ? { scale: v.subresources.scale } : {}) },
    ...(v.schema ? { schema: v.schema.openAPIV3Schema as JsonSchema } : {}),
    printerColumns: v.additionalPrinterColumns ?? [], custom: true,
  }));
}

/** Keeps the registry in step with stored CRDs; returns the unsubscribe function. */
export function startCrdRegistrar(store: ObjectStore, registry: ResourceRegistry): () => void {
  const onChange = (change: StoreChange): void => {
    if (change.kindKey !== CRD_KIND_KEY) return;
    const spec = crdSpec.safeParse(change.object.spec);
    if (!spec.success) return;
    const previous = change.previous ? crdSpec.safeParse(change.previous.spec) : undefined;
    if (previous?.success) registry.removeCustom(previous.data.group, previous.data.names.plural);
    if (change.type === 'DELETED') {
      registry.removeCustom(spec.data.group, spec.data.names.plural);
      const kindKey = kindKeyOf(spec.data.group, spec.data.names.plural);
      setImmediate(() => { for (const o of store.list(kindKey)) store.delete(kindKey, o.metadata.namespace ?? '', o.metadata.name!); });
      return;
    }
    for (const t of crdTypes(spec.data)) registry.add(t);
    setImmediate(() => markEstablished(store, change.object.metadata.name!, spec.data));
  };
  return store.subscribe(onChange);
}

function markEstablished(store: ObjectStore, name: string, spec: CrdSpec): void {
  const current = store.get(CRD_KIND_KEY, '', name);
  if (current === undefined) return;
  const status = (current.status ?? {}) as { conditions?: { type: string }[] };
  if ((status.conditions ?? []).some((c) => c.type === 'Established')) return;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  current.status = {
    conditions: [condition('NamesAccepted', 'NoConflicts', 'no conflicts found'), condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    acceptedNames: { ...spec.names, singular: spec.names.singular ?? spec.names.kind.toLowerCase(), listKind: spec.names.listKind ?? `${spec.names.kind}List` },
    storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
  };
  store.update(CRD_KIND_KEY, current);
}
