/**
 * Checks that need the whole scenario: a workload's target must be a component of the scenario
 * or a URL. It reads the raw document, so it reports even when other fields are invalid (a
 * schema refinement would run only once everything else parsed).
 */
export interface RawIssue { path: (string | number)[]; message: string }

export function crossReferenceIssues(data: unknown): RawIssue[] {
  const doc = asRecord(data);
  const components = Object.keys(asRecord(doc?.['components']) ?? {});
  const issues: RawIssue[] = [];
  for (const [name, w] of Object.entries(asRecord(doc?.['workloads']) ?? {})) {
    const target = asRecord(asRecord(w)?.['http'])?.['target'];
    if (typeof target !== 'string' || target === '' || /^https?:\/\//.test(target) || components.includes(target)) continue;
    issues.push({
      path: ['workloads', name, 'http', 'target'],
      message: `target "${target}" is neither a component of this scenario nor an http:// URL; ${components.length ? `components are: ${components.join(', ')}` : 'add it under `components:`'}`,
    });
  }
  return issues;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
