/**
 * The resource types the control plane serves, built in and from CRDs, and the discovery documents
 * (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) that tell clients about them. Objects of
 * one group and plural share storage across versions (conversion strategy None: only apiVersion changes).
 */
import type { JsonSchema } from './schema-validation.ts';

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: { status: boolean; scale?: ScaleSpec };
  /** openAPIV3Schema of a CRD version; built-in types are not schema-checked */
  schema?: JsonSchema;
  printerColumns: PrinterColumn[];
  /** true for types defined by a CRD (not in the built-in table) */
  custom: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    group, version, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), namespaced,
    shortNames: [], categories: [], subresources: { status: false }, printerColumns: [], custom: false, ...extra,
  };
}

const DEPLOYMENT_SCALE: ScaleSpec = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

/** The built-in types: enough of core, apps, batch, coordination, events, apiextensions, rbac, policy and autoscaling for controllers, kubectl and the manifests. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: { status: true } }),
  builtin('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: { status: true } }),
  builtin('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: { status: true } }),
  builtin('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  builtin('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: { status: true, scale: DEPLOYMENT_SCALE } }),
  // stored so Jobs apply (the load generators' Indexed Job); the local kubelet does not run them
  builtin('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: { status: true } }),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  builtin('events.k8s.io', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], subresources: { status: true } }),
  // stored and served so manifests apply as on a real cluster; not enforced (every request has all rights)
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  // stored; nothing evicts pods here, so no budget is ever consulted
  builtin('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: { status: true } }),
  // acted on by the HPA controller (hpa/hpa-controller.ts) when the kubelet runs
  builtin('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: { status: true } }),
  // read-only, answered from the kubelet's pod metrics (metrics-api.ts), never stored
  builtin('metrics.k8s.io', 'v1beta1', 'PodMetrics', 'pods', true),
];

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The mutable table of served types. */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor() {
    for (const t of BUILTIN_TYPES) this.add(t);
  }

  /** Adds or replaces a served group/version/plural. */
  add(type: ResourceType): void {
    this.types.set(key(type.group, type.version, type.plural), type);
  }

  /** Stops serving every version of a CRD's group/plural. */
  removeCustom(group: string, plural: string): void {
    for (const [k, t] of this.types) if (t.custom && t.group === group && t.plural === plural) this.types.delete(k);
  }

  /** The type served at /apis/<group>/<version>/<plural>, if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(key(group, version, plural));
  }

  /** Every served type. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** The versions served for a group, in registration order (the first is the preferred one). */
  versionsOf(group: string): string[] {
    const versions: string[] = [];
    for (const t of this.types.values()) if (t.group === group && !versions.includes(t.version)) versions.push(t.version);
    return versions;
  }

  /** `GET /api`: the core group's versions. */
  apiVersions(serverAddress: string): Record<string, unknown> {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** `GET /apis`: every named group with its versions. */
  apiGroupList(): Record<string, unknown> {
    const groups: string[] = [];
    for (const t of this.types.values()) if (t.group !== '' && !groups.includes(t.group)) groups.push(t.group);
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => this.apiGroup(g)) };
  }

  /** `GET /apis/<group>`. */
  apiGroup(group: string): Record<string, unknown> {
    const versions = this.versionsOf(group).map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
  }

  /** `GET /api/v1` or `/apis/<group>/<version>`: resources and their subresources, or undefined if not served. */
  resourceList(group: string, version: string): Record<string, unknown> | undefined {
    const types = this.all().filter((t) => t.group === group && t.version === version);
    if (types.length === 0) return undefined;
    const resources: Record<string, unknown>[] = [];
    for (const t of types) {
      resources.push({
        name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS,
        ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
        ...(t.categories.length > 0 ? { categories: t.categories } : {}),
      });
      if (t.subresources.status) resources.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
      if (t.subresources.scale) {
        resources.push({ name: `${t.plural}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
  }
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}
