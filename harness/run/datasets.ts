/**
 * Makes the scenario's `datasets:` before warm-up: for each dataset, `count` setup requests (at
 * most `concurrency` at once), each item keeping its response body and its own vars. A setup
 * request that fails (no response, a failed check, a status >= 400 without checks) fails the run
 * with CAPLAB_ERR_DATASET_SETUP: load built on missing data would measure nothing useful.
 * Nothing is recorded as metrics; this is preparation, not load.
 */
import { Pool } from 'undici';
import type { Datasets, DatasetItem } from '../drivers/dataset.ts';
import type { Endpoints } from '../drivers/driver.ts';
import { resolveTarget } from '../drivers/http.ts';
import { compileChecks } from '../drivers/http-checks.ts';
import type { DatasetConfig } from '../drivers/http-dataset-schema.ts';
import { transportErrorCode } from '../drivers/http-error-code.ts';
import { compileRequestTemplate } from '../drivers/http-request-template.ts';
import { deriveSeed, iterationRandom } from '../drivers/seeded-random.ts';
import { compileTemplate, type TemplateScope } from '../drivers/template.ts';
import { CaplabError } from '../errors.ts';

export interface DatasetPlan {
  readonly datasets: Readonly<Record<string, DatasetConfig>>;
  readonly seed: number;
  readonly baseDir: string;
}

const SHOWN_BODY_BYTES = 200;

/** Makes every dataset of the plan, one after the other; rejects with a coded error at the first failed setup request. */
export async function makeDatasets(plan: DatasetPlan, endpoints: Endpoints, signal: AbortSignal): Promise<Datasets> {
  const out: Record<string, { items: DatasetItem[] }> = {};
  for (const [name, config] of Object.entries(plan.datasets)) out[name] = { items: await makeDataset(name, config, plan, endpoints, signal) };
  return out;
}

async function makeDataset(name: string, config: DatasetConfig, plan: DatasetPlan, endpoints: Endpoints, signal: AbortSignal): Promise<DatasetItem[]> {
  const { http } = config;
  const target = resolveTarget(http.target, '', endpoints);
  const request = compileRequestTemplate({ method: http.method, path: http.path, headers: http.headers, body: http.body }, { baseDir: plan.baseDir, datasets: {} });
  const checks = compileChecks(http.checks);
  const results = checks.descriptions.map(() => false);
  const vars = Object.entries(config.vars).map(([n, source]) => [n, compileTemplate(source)] as const);
  const seed = deriveSeed(plan.seed, 'dataset', name);
  const pool = new Pool(target.origin.origin, { connections: config.concurrency, headersTimeout: http.timeout, bodyTimeout: http.timeout, connectTimeout: http.timeout });
  const items: DatasetItem[] = new Array(config.count);
  let next = 0;

  const makeItem = async (index: number): Promise<void> => {
    const scope: TemplateScope = { iteration: index, vu: 0, index, rng: iterationRandom(seed, index), vars: new Map(), item: undefined };
    for (const [n, t] of vars) scope.vars.set(n, t.render(scope));
    const req = request.render(scope, target.path, target.origin.host);
    const what = `dataset ${name}: setup request ${index + 1} of ${config.count} (${http.method} ${target.origin.origin}${req.path})`;
    let status: number;
    let body: Buffer;
    try {
      const res = await pool.request({ path: req.path, method: http.method, headers: req.headers, body: req.body, signal });
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      status = res.statusCode;
      body = Buffer.concat(chunks);
    } catch (err) {
      throw new CaplabError('CAPLAB_ERR_DATASET_SETUP', `${what} got no response: ${transportErrorCode(err)}`, { cause: err });
    }
    if (checks.evaluate(status, body, results, scope)) {
      const failedChecks = checks.descriptions.filter((_, i) => !results[i]);
      const why = failedChecks.length > 0 ? `failed ${failedChecks.join(', ')}` : 'is an error';
      const shown = body.subarray(0, SHOWN_BODY_BYTES).toString('utf8');
      throw new CaplabError('CAPLAB_ERR_DATASET_SETUP', `${what} answered ${status}, which ${why}; body: ${JSON.stringify(shown)}${body.length > SHOWN_BODY_BYTES ? '…' : ''}`);
    }
    items[index] = { body, fields: Object.fromEntries([...scope.vars].map(([k, v]) => [k, String(v)])) };
  };

  let failed = false;
  const worker = async (): Promise<void> => {
    try {
      while (next < config.count && !signal.aborted && !failed) await makeItem(next++);
    } catch (err) {
      // The others stop at their next item; the first failure is the one reported.
      failed = true;
      throw err;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, worker));
  } finally {
    await pool.destroy();
  }
  if (signal.aborted) throw new Error('interrupted while making datasets');
  return items;
}
