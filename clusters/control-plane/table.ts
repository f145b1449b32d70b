/**
 * Server-side printing: kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints
 * the columns it gets. Every kind has Name and Age; a CRD's additionalPrinterColumns (simple
 * `.a.b` jsonPaths) and a few built-in columns (a Pod's Status, a Deployment's Ready) are added.
 */
import type { KubeObject } from './object-store.ts';
import { getPath } from './resource-api.ts';
import type { PrinterColumn, ResourceType } from './resource-registry.ts';

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** A meta.k8s.io/v1 Table of `objects`. */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string | undefined): Record<string, unknown> {
  const columns = columnsOf(type);
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
      { name: 'Age', type: 'string', format: '', description: 'time since creation', priority: 0 },
    ],
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name, ...columns.map((c) => cell(getPath(obj, c.jsonPath))), age(obj.metadata.creationTimestamp)],
      object: obj,
    })),
  };
}

function columnsOf(type: ResourceType): PrinterColumn[] {
  if (type.custom) return type.printerColumns.filter((c) => /^(\.[A-Za-z0-9_-]+)+$/.test(c.jsonPath) && c.name.toLowerCase() !== 'age');
  if (type.plural === 'pods' && type.group === '') return [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, { name: 'IP', type: 'string', jsonPath: '.status.podIP' }];
  if (type.plural === 'deployments') return [{ name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' }, { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }];
  if (type.plural === 'services') return [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }];
  if (type.plural === 'horizontalpodautoscalers') {
    return [{ name: 'Reference', type: 'string', jsonPath: '.spec.scaleTargetRef.name' }, { name: 'MinPods', type: 'integer', jsonPath: '.spec.minReplicas' },
      { name: 'MaxPods', type: 'integer', jsonPath: '.spec.maxReplicas' }, { name: 'Replicas', type: 'integer', jsonPath: '.status.currentReplicas' }];
  }
  return [];
}

function cell(v: unknown): unknown {
  return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : v;
}

function age(created: string | undefined): string {
  if (created === undefined) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
