/**
 * What `caplab init` writes: a small, valid scenario from a few answers, with the JSON Schema
 * hooked up for editors (the yaml-language-server comment for YAML, the typed defineScenario
 * import for TypeScript). The output is validated before it is returned.
 */
import { stringify } from 'yaml';
import { CaplabError } from '../errors.ts';
import { parseScenario } from '../plan/load-scenario.ts';
import { formatIssue } from '../plan/plan.ts';
import { validateScenarioObject } from './load-ts-scenario.ts';

export interface ScaffoldAnswers {
  name: string;
  /** a reference component to start (`echo`), or an http:// URL to load */
  target: string;
  executor: 'constant-arrival-rate' | 'constant-vus';
  /** open model: `100/s` */
  rate: string;
  /** closed model */
  vus: number;
  duration: string;
  method: string;
  path: string;
  /** p(95) of http_req_duration that is Good, e.g. `200ms` */
  p95: string;
}

export const DEFAULT_ANSWERS: ScaffoldAnswers = {
  name: 'my-scenario', target: 'echo', executor: 'constant-arrival-rate', rate: '50/s', vus: 10, duration: '30s', method: 'GET', path: '/', p95: '200ms',
};

/** The scenario as a plain object, before it is written in either form. */
function scenarioObject(a: ScaffoldAnswers): Record<string, unknown> {
  const isUrl = /^https?:\/\//.test(a.target);
  const load = a.executor === 'constant-arrival-rate'
    ? { executor: a.executor, rate: a.rate, duration: a.duration, preAllocatedVUs: 10, maxVUs: 100 }
    : { executor: a.executor, vus: a.vus, duration: a.duration };
  return {
    name: a.name,
    description: `${a.method} ${a.path} against ${a.target}`,
    ...(isUrl ? {} : { components: { [a.target]: { component: a.target } } }),
    workloads: {
      main: { ...load, http: { target: a.target, method: a.method, path: a.path, checks: [{ status: 200 }] } },
    },
    thresholds: {
      http_req_duration: [`p(95) < ${a.p95}`],
      http_req_failed: ['rate < 1%'],
    },
  };
}

/** YAML text; `schemaRef` is the path of scenario.schema.json from the file's directory. */
export function scaffoldYaml(a: ScaffoldAnswers, schemaRef: string): string {
  const text = `# yaml-language-server: $schema=${schemaRef}\n# Written by caplab init. Check it with: caplab validate <this file>; run it with: caplab run <this file>\n${stringify(scenarioObject(a), { lineWidth: 0 })}`;
  const check = parseScenario(text, `${a.name}.yaml`);
  if (!check.ok) throw new CaplabError('CAPLAB_ERR_USAGE', 'these answers do not make a valid scenario', { details: check.issues.map(formatIssue) });
  return text;
}

/** TypeScript module text; `importFrom` is where defineScenario comes from (`caplab/scenario`). */
export function scaffoldTs(a: ScaffoldAnswers, importFrom: string): string {
  const obj = scenarioObject(a);
  const check = validateScenarioObject(obj, `${a.name}.ts`);
  if (!check.ok) throw new CaplabError('CAPLAB_ERR_USAGE', 'these answers do not make a valid scenario', { details: check.issues.map((i) => `${i.path}: ${i.message}`) });
  return [
    `// Written by caplab init. Run it with: caplab run <this file>`,
    `import { defineScenario } from ${JSON.stringify(importFrom)};`,
    '',
    `export default defineScenario(${JSON.stringify(obj, null, 2)});`,
    '',
  ].join('\n');
}
