/**
 * Reads one gauge from a component's Prometheus text page (the `/metrics` every reference
 * component serves), so a fault can watch something recover without caplab knowing the component.
 */
import { get as httpGet } from 'node:http';
import { CaplabError } from '../errors.ts';
import { parsePrometheusText, sumOf } from '../metrics/prometheus-text-parser.ts';

/** How long one read may take: a component that is restarting answers quickly or not at all. */
const READ_TIMEOUT_MS = 1_000;

/**
 * The value of `metric` on the page at `url`: the sum of its samples (one for an unlabelled
 * gauge). Rejects when the page cannot be read or does not have the metric. Uses node:http, not
 * fetch: Node 20 loads fetch's implementation on first use, a ~50 ms stall of the thread that
 * also generates the load.
 */
export async function readGauge(url: string, metric: string, signal: AbortSignal): Promise<number> {
  const text = await getText(url, AbortSignal.any([signal, AbortSignal.timeout(READ_TIMEOUT_MS)]));
  const value = gaugeValue(text, metric);
  if (value === null) throw new CaplabError('CAPLAB_ERR_DRIVER_CONNECT', `${url} has no metric ${metric}`, { hint: 'check the metric name against the component\'s /metrics page' });
  return value;
}

function getText(url: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new CaplabError('CAPLAB_ERR_DRIVER_CONNECT', `${url} answered ${res.statusCode}`));
      });
    });
    req.on('error', reject);
  });
}

/** The sum of a metric's samples in Prometheus text, or null when it has none. */
export function gaugeValue(text: string, metric: string): number | null {
  return sumOf(parsePrometheusText(text), metric) ?? null;
}
