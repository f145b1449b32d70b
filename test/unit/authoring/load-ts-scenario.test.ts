import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTsPlanOrThrow, loadTsScenario, validateScenarioObject } from '../../../harness/authoring/load-ts-scenario.ts';
import { loadScriptHooks, scriptOf } from '../../../harness/authoring/scripted-http.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../../harness/plan/time-scale.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/authoring/', import.meta.url));
const SCRIPTED = path.join(FIXTURES, 'scripted-checks.ts');

describe('TypeScript scenarios (defineScenario)', () => {
  it('validates the module\'s default export with the scenario schema and puts a module reference where the functions were', async () => {
    const plan = await loadTsPlanOrThrow(SCRIPTED);
    assert.equal(plan.name, 'scripted-checks');
    assert.equal(plan.sourceFile, SCRIPTED);
    const main = plan.workloads['main']!;
    assert.deepEqual(scriptOf(main.http!), { module: SCRIPTED, workload: 'main' });
    assert.equal(main.executor === 'constant-arrival-rate' && main.rate, 20);
    assert.deepEqual(main.http!.checks, [{ status: 200 }]);
    // A workload without functions stays plain data, driven by the ordinary http driver.
    assert.equal(scriptOf(plan.workloads['plain']!.http!), undefined);
    assert.ok(Object.isFrozen(main.http));
  });

  it('leaves a plan that survives structuredClone (worker threads) and --time-scale with its reference', async () => {
    const plan = await loadTsPlanOrThrow(SCRIPTED);
    const cloned = structuredClone(plan);
    assert.deepEqual(scriptOf(cloned.workloads['main']!.http!), { module: SCRIPTED, workload: 'main' });
    const scaled = scalePlanTime(plan, 0.5);
    assert.deepEqual(scriptOf(scaled.workloads['main']!.http!), { module: SCRIPTED, workload: 'main' });
    assert.equal((scaled.workloads['main'] as { duration: number }).duration, 1000);
  });

  it('gets the functions back by importing the module again, named checks by name and bare ones by position', async () => {
    const hooks = await loadScriptHooks({ module: SCRIPTED, workload: 'main' });
    assert.equal(typeof hooks.request, 'function');
    assert.deepEqual(hooks.checks.map((c) => c.name), ['check 2', 'has body', 'throws']);
  });

  it('reports every problem by its path, functions outside request/checks included', async () => {
    const out = await loadTsScenario(path.join(FIXTURES, 'invalid-ts-scenario.ts'));
    assert.equal(out.ok, false);
    const issues = out.ok ? [] : out.issues;
    const find = (p: string, m: RegExp): void => assert.ok(issues.some((i) => i.path === p && m.test(i.message)), `no issue at ${p} matching ${m}: ${JSON.stringify(issues)}`);
    find('name', /lower-case letters/);
    find('workloads.main.rate', /"fast" is not a rate/);
    find('workloads.main.colour', /unknown key "colour"/);
    find('workloads.main.http.requests.0.headers.x', /function is not allowed here/);
    find('workloads.main.http.target', /target "nowhere" is neither a component/);
  });

  it('throws CAPLAB_ERR_SCENARIO_INVALID listing each problem as file: path: message', async () => {
    const file = path.join(FIXTURES, 'invalid-ts-scenario.ts');
    await assert.rejects(loadTsPlanOrThrow(file), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_INVALID' && (err.details ?? []).some((d) => d === `${file}: workloads.main.rate: "fast" is not a rate; write it like \`100/s\`` || d.startsWith(`${file}: workloads.main.rate: "fast" is not a rate`)));
  });

  it('asks for a default export when the module has none', () => {
    const out = validateScenarioObject(undefined, '/x/s.ts');
    assert.deepEqual(out, { ok: false, issues: [{ path: '', message: 'the module needs a default export: `export default defineScenario({ name, workloads, ... })`' }] });
  });

  it('names a module that is not there', async () => {
    await assert.rejects(loadTsScenario(path.join(FIXTURES, 'no-such-scenario.ts')), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_READ' && /not found/.test(err.message));
  });

  it('refuses a `script:` key written in YAML: only the TypeScript loader sets it', () => {
    const out = parseScenario('name: s\nworkloads:\n  w:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    http: { target: "http://127.0.0.1:1", script: { module: /tmp/x.ts, workload: w } }\n', 's.yaml');
    assert.equal(out.ok, false);
    assert.match(out.ok ? '' : out.issues.map((i) => i.message).join('\n'), /unknown key "script"/);
  });
});
