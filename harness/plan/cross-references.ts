/**
 * Checks that need the whole scenario: a workload's (or a dataset's) target must be a component of
 * the scenario or a URL; a `{ dataset: NAME }` body must name a dataset under `datasets:`; and
 * `{{item.FIELD}}` must name a field of the one dataset the workload sends. It reads the raw
 * document, so it reports even when other fields are invalid (a schema refinement would run only
 * once everything else parsed).
 */
import { asRecord, requestRefs, type HttpRef } from '../drivers/http-request-refs.ts';

export interface RawIssue { path: (string | number)[]; message: string }

export function crossReferenceIssues(data: unknown): RawIssue[] {
  const doc = asRecord(data);
  const components = Object.keys(asRecord(doc?.['components']) ?? {});
  const datasets = asRecord(doc?.['datasets']) ?? {};
  const issues: RawIssue[] = [];
  const checkTarget = (http: Record<string, unknown> | null, path: (string | number)[]): void => {
    const target = http?.['target'];
    if (typeof target !== 'string' || target === '' || /^https?:\/\//.test(target) || components.includes(target)) return;
    issues.push({
      path: [...path, 'target'],
      message: `target "${target}" is neither a component of this scenario nor an http:// URL; ${components.length ? `components are: ${components.join(', ')}` : 'add it under `components:`'}`,
    });
  };
  for (const [name, d] of Object.entries(datasets)) {
    const http = asRecord(asRecord(d)?.['http']);
    const at = ['datasets', name, 'http'];
    checkTarget(http, at);
    for (const r of requestRefs(http, at)) {
      if (r.kind === 'dataset') issues.push({ path: r.path, message: 'a dataset cannot send another dataset\'s items: datasets are made independently, before any item exists' });
    }
  }
  for (const [name, w] of Object.entries(asRecord(doc?.['workloads']) ?? {})) {
    const http = asRecord(asRecord(w)?.['http']);
    const at = ['workloads', name, 'http'];
    checkTarget(http, at);
    issues.push(...datasetIssues(workloadRefs(http, at), datasets));
  }
  return issues;
}

/** Refs of every request in a workload's http block, whichever form it takes. */
function workloadRefs(http: Record<string, unknown> | null, at: (string | number)[]): HttpRef[] {
  if (http === null) return [];
  const refs = requestRefs(http, at);
  for (const key of ['requests', 'steps']) {
    const list = http[key];
    if (Array.isArray(list)) list.forEach((entry, i) => refs.push(...requestRefs(entry, [...at, key, i])));
  }
  return refs;
}

function datasetIssues(refs: HttpRef[], datasets: Record<string, unknown>): RawIssue[] {
  const issues: RawIssue[] = [];
  const known = Object.keys(datasets);
  const sent = new Set<string>();
  for (const r of refs) {
    if (r.kind !== 'dataset') continue;
    if (Object.prototype.hasOwnProperty.call(datasets, r.name)) sent.add(r.name);
    else issues.push({ path: r.path, message: `dataset "${r.name}" is not defined; ${known.length ? `datasets are: ${known.join(', ')}` : 'define it under `datasets:`'}` });
  }
  const sentDatasets = refs.flatMap((r) => (r.kind === 'dataset' ? [r.name] : []));
  const distinct = [...new Set(sentDatasets)];
  for (const r of refs) {
    if (r.kind !== 'item') continue;
    if (distinct.length !== 1) {
      issues.push({ path: r.path, message: `{{item.${r.field}}} reads the item of the dataset this workload sends, but it sends ${distinct.length === 0 ? 'none (add a { dataset: NAME } body)' : `several (${distinct.join(', ')})`}` });
      continue;
    }
    const name = distinct[0]!;
    if (!sent.has(name)) continue;
    const fields = ['body', ...Object.keys(asRecord(asRecord(datasets[name])?.['vars']) ?? {})];
    if (!fields.includes(r.field)) issues.push({ path: r.path, message: `dataset "${name}" has no field "${r.field}"; its items have: ${fields.join(', ')}` });
  }
  return issues;
}
