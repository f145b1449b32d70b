/**
 * Artillery's `ensure` (thresholds, conditions, maxErrorRate, and the legacy top-level p95/p99
 * keys) as caplab thresholds. Only conditions on metrics caplab has a name for are taken; each
 * `and` of a condition becomes its own line, an `or` cannot be one and is noted.
 */

const METRICS: Record<string, [metric: string, stat: string]> = {
  'http.response_time.min': ['http_req_duration', 'min'],
  'http.response_time.max': ['http_req_duration', 'max'],
  'http.response_time.mean': ['http_req_duration', 'avg'],
  'http.response_time.median': ['http_req_duration', 'med'],
  'http.response_time.p50': ['http_req_duration', 'p(50)'],
  'http.response_time.p75': ['http_req_duration', 'p(75)'],
  'http.response_time.p90': ['http_req_duration', 'p(90)'],
  'http.response_time.p95': ['http_req_duration', 'p(95)'],
  'http.response_time.p99': ['http_req_duration', 'p(99)'],
  'http.response_time.p999': ['http_req_duration', 'p(99.9)'],
  'http.request_rate': ['http_reqs', 'rate'],
  'http.requests': ['http_reqs', 'count'],
  'vusers.failed': ['iterations_failed', 'count'],
  'vusers.completed': ['iterations', 'count'],
};

/** Thresholds by metric key, in caplab's string form. */
export function importThresholds(ensure: unknown, note: (what: string) => void): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (ensure === null || typeof ensure !== 'object') return out;
  const add = (artilleryMetric: string, op: string, value: number): void => {
    const m = METRICS[artilleryMetric];
    if (m === undefined) {
      note(`ensure on ${artilleryMetric}: no caplab metric for it; left out`);
      return;
    }
    const unit = m[0] === 'http_req_duration' ? 'ms' : '';
    (out[m[0]] ??= []).push(`${m[1]} ${op} ${value}${unit}`);
  };
  const e = ensure as Record<string, unknown>;
  for (const [k, v] of Object.entries(e)) {
    if (k === 'thresholds' && Array.isArray(v)) {
      for (const t of v as Record<string, unknown>[]) for (const [metric, value] of Object.entries(t)) if (typeof value === 'number') add(metric, '<', value);
    } else if (k === 'conditions' && Array.isArray(v)) {
      for (const c of v as Record<string, unknown>[]) conditionLines(String(c['expression'] ?? ''), add, note);
    } else if (k === 'maxErrorRate' && typeof v === 'number') {
      (out['http_req_failed'] ??= []).push(`rate <= ${v}%`);
      note('ensure.maxErrorRate counts failed virtual users; imported as http_req_failed, which counts failed requests');
    } else if (['p50', 'p95', 'p99', 'p999', 'min', 'max', 'median'].includes(k) && typeof v === 'number') {
      add(`http.response_time.${k}`, '<', v);
    } else {
      note(`ensure.${k}: left out`);
    }
  }
  return out;
}

function conditionLines(expr: string, add: (metric: string, op: string, value: number) => void, note: (what: string) => void): void {
  if (/\bor\b|\bnot\b/.test(expr)) {
    note(`ensure condition "${expr}": caplab judges each line on its own; \`or\`/\`not\` cannot be expressed`);
    return;
  }
  for (const part of expr.split(/\band\b/)) {
    const m = /^\s*([\w.]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (m) add(m[1]!, m[2]!, Number(m[3]));
    else note(`ensure condition part "${part.trim()}": not of the form METRIC OP NUMBER; left out`);
  }
}
