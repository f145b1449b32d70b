/**
 * The Prometheus text exposition format (version 0.0.4), enough for counters and gauges, so each
 * component can serve `/metrics` without a client library.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricSample { labels?: Readonly<Record<string, string>>; value: number }

export interface MetricFamily { name: string; help: string; type: 'counter' | 'gauge'; samples: readonly MetricSample[] }

/** Renders metric families as Prometheus text, one HELP and TYPE line per family. */
export function renderPrometheusText(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${renderLabels(s.labels)} ${formatValue(s.value)}\n`;
  }
  return out;
}

function renderLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
