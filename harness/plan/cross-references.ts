/**
 * Checks that need the whole scenario, or what the user wrote rather than what defaults filled in:
 * a workload's (or a dataset's) target must be a component of the scenario or a URL; a
 * `{ dataset: NAME }` body must name a dataset under `datasets:`; `{{item.FIELD}}` must name a
 * field of the one dataset the workload sends; a component's `{{endpoint NAME}}` / `{{hostport NAME}}`
 * must name another component, without a cycle; the single-request fields must not sit beside
 * `requests:` or `steps:`; `thinkTime` needs a closed model; a threshold on a scraped gauge
 * (`<component>.<metric>`) needs that component to scrape it. It reads the raw document, so it
 * reports even when other fields are invalid (a schema refinement would run only once everything
 * else parsed).
 */
import { componentRefs, refCycle } from '../../clusters/component-refs.ts';
import { asRecord, requestRefs, type HttpRef } from '../drivers/http-request-refs.ts';
import { SINGLE_REQUEST_KEYS } from '../drivers/http-request-schema.ts';
import { SCRAPE_FAILURES } from './scrape-schema.ts';

/** Closed-model executors: a VU starts its next iteration only after its previous one, so a pause between them means something. */
const CLOSED_MODEL = new Set(['constant-vus', 'ramping-vus']);

export interface RawIssue { path: (string | number)[]; message: string }

export function crossReferenceIssues(data: unknown): RawIssue[] {
  const doc = asRecord(data);
  const components = Object.keys(asRecord(doc?.['components']) ?? {});
  const datasets = asRecord(doc?.['datasets']) ?? {};
  const issues: RawIssue[] = componentRefIssues(asRecord(doc?.['components']) ?? {});
  const checkTarget = (block: Record<string, unknown> | null, path: (string | number)[], urls = /^https?:\/\//, what = 'an http:// URL'): void => {
    const target = block?.['target'];
    if (typeof target !== 'string' || target === '' || urls.test(target) || components.includes(target)) return;
    issues.push({
      path: [...path, 'target'],
      message: `target "${target}" is neither a component of this scenario nor ${what}; ${components.length ? `components are: ${components.join(', ')}` : 'add it under `components:`'}`,
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
    const workload = asRecord(w);
    const http = asRecord(workload?.['http']);
    const at = ['workloads', name, 'http'];
    checkTarget(http, at);
    checkTarget(asRecord(workload?.['tcp']), ['workloads', name, 'tcp'], /^(tcp|https?):\/\//, 'a tcp:// URL');
    const wsTarget = asRecord(workload?.['ws'])?.['target'];
    for (const target of Array.isArray(wsTarget) ? wsTarget : [wsTarget]) checkTarget({ target }, ['workloads', name, 'ws'], /^(wss?|https?):\/\//, 'a ws:// URL');
    issues.push(...formIssues(http, at), ...executorIssues(workload, ['workloads', name]), ...datasetIssues(workloadRefs(http, at), datasets));
  }
  issues.push(...scrapedThresholdIssues(asRecord(doc?.['thresholds']) ?? {}, asRecord(doc?.['components']) ?? {}));
  return issues;
}

/** A threshold on `<component>.<metric>` needs that component to scrape that metric (or just to scrape, for `scrape_failures`), or it could only ever be no-data. */
function scrapedThresholdIssues(thresholds: Record<string, unknown>, components: Record<string, unknown>): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const key of Object.keys(thresholds)) {
    const m = /^\s*([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{|$)/.exec(key);
    if (!m) continue;
    const [, component, metric] = m as unknown as [string, string, string];
    const scrape = asRecord(asRecord(components[component])?.['scrape']);
    const listed = Array.isArray(scrape?.['metrics']) ? scrape['metrics'] as unknown[] : [];
    if (listed.includes(metric) || Object.keys(asRecord(scrape?.['perUnit']) ?? {}).includes(metric)) continue;
    if (metric === SCRAPE_FAILURES && scrape) continue; // caplab's own count, for every scraped component
    issues.push({
      path: ['thresholds', key],
      message: components[component] === undefined
        ? `"${key}" names a scraped gauge of component "${component}", which is not in this scenario`
        : `"${key}" needs component ${component} to scrape ${metric}: add it to ${component}.scrape.metrics`,
    });
  }
  return issues;
}

/** `{{endpoint NAME}}` / `{{hostport NAME}}` naming no component, or components naming each other in a cycle. */
function componentRefIssues(components: Record<string, unknown>): RawIssue[] {
  const names = Object.keys(components);
  const issues: RawIssue[] = [];
  const deps = new Map<string, string[]>();
  const firstRefTo = new Map<string, (string | number)[]>();
  for (const name of names) {
    const c = asRecord(components[name]);
    const refs = componentRefs(asRecord(c?.['flags']), asRecord(c?.['env']));
    deps.set(name, refs.map((r) => r.name));
    for (const r of refs) {
      const at = ['components', name, ...r.path];
      if (!firstRefTo.has(`${name}\0${r.name}`)) firstRefTo.set(`${name}\0${r.name}`, at);
      if (!names.includes(r.name)) {
        issues.push({ path: at, message: `{{${r.kind} ${r.name}}} names no component of this scenario; components are: ${names.join(', ')}` });
      }
    }
  }
  const cycle = refCycle(deps);
  if (cycle) {
    issues.push({
      path: firstRefTo.get(`${cycle[0]}\0${cycle[1]}`) ?? ['components', cycle[0]!],
      message: `components refer to each other in a cycle (${cycle.join(' -> ')}), so none of them can start first; a component can only name components that start without it`,
    });
  }
  return issues;
}

/** The single-request fields beside `requests:` or `steps:`: say which form to choose, at the field. */
function formIssues(http: Record<string, unknown> | null, at: (string | number)[]): RawIssue[] {
  const multi = (['requests', 'steps'] as const).find((k) => http?.[k] !== undefined);
  if (http === null || multi === undefined) return [];
  return SINGLE_REQUEST_KEYS.filter((key) => http[key] !== undefined).map((key) => ({
    path: [...at, key],
    message: `\`${key}\` belongs to the single-request form; with \`${multi}:\` give it in each entry (only target, timeout, connections, engine, default headers and vars sit at the block level)`,
  }));
}

/** What the executor cannot do: think time outside the closed model, holding connections with a mix or steps. */
function executorIssues(workload: Record<string, unknown> | null, at: (string | number)[]): RawIssue[] {
  const executor = workload?.['executor'];
  if (typeof executor !== 'string') return [];
  const issues: RawIssue[] = [];
  if (workload!['thinkTime'] !== undefined && !CLOSED_MODEL.has(executor)) {
    const why = executor === 'hold-connections'
      ? 'it holds connections instead of running iterations back to back'
      : executor === 'engine'
        ? 'the engine (autocannon or Artillery) schedules its own requests; pauses belong in its own options or script'
        : 'it is an open model whose arrivals are already scheduled by the rate, so a pause would change nothing but the VUs needed; lower the rate instead';
    issues.push({ path: [...at, 'thinkTime'], message: `thinkTime works with the closed-model executors (constant-vus, ramping-vus) only, not ${executor}: ${why}` });
  }
  const http = asRecord(workload!['http']);
  const multi = (['requests', 'steps'] as const).find((k) => http?.[k] !== undefined);
  if (executor === 'hold-connections' && multi !== undefined) {
    issues.push({ path: [...at, 'http', multi], message: `hold-connections opens each connection with one request; give the single request form (method, path, headers, body), not ${multi}:` });
  } else if (executor === 'hold-connections' && http !== null && variesPerIteration(http)) {
    issues.push({ path: [...at, 'http'], message: 'hold-connections opens every connection with the same prebuilt request; templates ({{…}}), var: and dataset: bodies need a request built per iteration' });
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

/** Whether the single request holds anything built per iteration (a template, a var or a dataset). */
function variesPerIteration(http: Record<string, unknown>): boolean {
  const parts = JSON.stringify([http['path'], http['headers'], http['body'], http['checks']]);
  return parts.includes('{{') || requestRefs(http, []).some((r) => r.kind !== 'item');
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
