import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportK6 } from '../../../harness/authoring/export-k6.ts';
import { loadPlanOrThrow } from '../../../harness/plan/load-scenario.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/authoring/every-http-form.yaml');
const TYPES = path.join(ROOT, 'node_modules/@types/k6');

/** Every shipped scenario, plus the fixture that uses every HTTP form. */
function scenarioFiles(): string[] {
  const dir = path.join(ROOT, 'scenarios');
  const shipped = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(dir, d.name)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, d.name, f)));
  return [FIXTURE, ...shipped];
}

describe('caplab export --format k6', () => {
  it('writes scripts that type-check against @types/k6 (strict, noUnusedLocals), for every shipped scenario and every HTTP form', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'caplab-k6-'));
    try {
      for (const [i, file] of scenarioFiles().entries()) {
        writeFileSync(path.join(dir, `script-${i}.ts`), exportK6(await loadPlanOrThrow(file), path.relative(ROOT, file)).text);
      }
      // k6's modules resolve to @types/k6 through `paths`, so the scripts need no node_modules of their own.
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, noUnusedLocals: true, target: 'ES2020', lib: ['ES2020'], module: 'ESNext', moduleResolution: 'Bundler', types: [],
          baseUrl: '.', paths: { 'k6': [path.join(TYPES, 'index.d.ts')], 'k6/*': [path.join(TYPES, '*')] },
        },
        include: ['*.ts'],
      }));
      const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
      const run = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(() => ({ code: 0, out: '' }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
      assert.equal(run.code, 0, `tsc found errors:\n${run.out}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps executors to k6 scenarios, scaling fractional rates to a whole number per timeUnit', async () => {
    const { text } = exportK6(await loadPlanOrThrow(FIXTURE), 'every-http-form.yaml');
    assert.match(text, /"single": \{ executor: "constant-arrival-rate", rate: 5, timeUnit: "10s", duration: "20s", preAllocatedVUs: 10, maxVUs: 20, gracefulStop: "30s", exec: "single", tags: \{ "workload": "single", "team": "core" \}, startTime: "1s" \}/);
    assert.match(text, /"mix": \{ executor: "ramping-arrival-rate", startRate: 10, timeUnit: "10s", stages: \[\{ duration: "10s", target: 25 \}, \{ duration: "5s", target: 0 \}\]/);
    assert.match(text, /"flow": \{ executor: "constant-vus", vus: 2, duration: "10s"/);
    assert.match(text, /"ramp": \{ executor: "ramping-vus", startVUs: 0, stages: \[\{ duration: "5s", target: 3 \}\]/);
    assert.doesNotMatch(text, /"held":|"bulk":/);
  });

  it('maps thresholds by their Good condition, keeps abortOnCritical, and leaves out what k6 cannot judge', async () => {
    const { text, notes } = exportK6(await loadPlanOrThrow(FIXTURE), 'every-http-form.yaml');
    assert.match(text, /"http_req_duration\{name:read\}": \["p\(95\)<100"\]/);
    assert.match(text, /"http_req_failed": \[\{ threshold: "rate<0.001", abortOnFail: true, delayAbortEval: "5s" \}\]/);
    assert.match(text, /"checks": \["rate>0.99"\]/);
    assert.match(text, /"iterations": \["count>10"\]/);
    assert.match(text, /"http_req_duration": \["p\(99\)<1000"\]/);
    assert.doesNotMatch(text, /component_cpu"/);
    for (const expected of [/component_cpu .*k6 has no component_cpu metric/, /"over 10s" has no k6 counterpart/, /Warning level \(< 1%\) is dropped/, /hold-connections has no k6 counterpart/, /tcp driver|bulk-transfer has no k6 counterpart/, /warmup/]) {
      assert.ok(notes.some((n) => expected.test(n)), `no note matches ${expected}: ${notes.join(' | ')}`);
    }
    // The notes are in the script too, for whoever reads it later.
    assert.match(text, /^\/\/ - threshold component_cpu/m);
  });

  it('translates templates, bodies, checks, captures, the weighted mix and think time', async () => {
    const { text } = exportK6(await loadPlanOrThrow(FIXTURE), 'every-http-form.yaml');
    assert.match(text, /TARGETS\["echo"\] \+ `\/items\/\$\{randInt\(1, 100\)\}\?it=\$\{exec\.scenario\.iterationInTest\}&vu=\$\{\(exec\.vu\.idInTest - 1\)\}`/);
    assert.match(text, /"x-request-id": `\$\{uuid\(\)\}`/);
    assert.match(text, /JSON\.stringify\(\{ "text": `hello \$\{randString\(8\)\}`, "n": 3, "ok": true, "list": \[1, "x"\] \}\)/);
    assert.match(text, /responseCallback: http\.expectedStatuses\(200, 201\)/);
    assert.match(text, /"\$\.items\[0\]\.id exists": \(x\) => jsonAt\(x, "items\.0\.id"\) !== undefined/);
    assert.match(text, /timeout: "2500ms"/);
    assert.match(text, /"api": __ENV\["CAPLAB_TARGET_API"\] \|\| "http:\/\/127\.0\.0\.1:9000\/base"/);
    assert.match(text, /"echo": __ENV\["CAPLAB_TARGET_ECHO"\] \|\| "http:\/\/127\.0\.0\.1:8080"/);
    // Mix: block headers under each entry's own (case-insensitive), cumulative weights 3, 4, 5.
    assert.match(text, /"PUT", TARGETS\["api"\] \+ "\/write", crypto\.randomBytes\(64\), \{ headers: \{ "authorization": "Bearer w"/);
    assert.match(text, /const pick = Math\.random\(\) \* 5;\n {2}if \(pick < 3\) \{\n {4}mix_req0\(vars\);\n {2}\} else if \(pick < 4\) \{\n {4}mix_req1\(vars\);\n {2}\} else \{\n {4}mix_req2\(vars\);/);
    // Steps: a failed step ends the iteration; captures feed later steps.
    assert.match(text, /flow_step0\(vars\) && flow_step1\(vars\) && flow_step2\(vars\);/);
    assert.match(text, /const captured_id = jsonText\(res, "id"\);\n {2}if \(captured_id === undefined\) return false;\n {2}vars\["id"\] = captured_id;/);
    assert.match(text, /header\(res, "x-token"\)/);
    assert.match(text, /"blob": http\.file\(vars\["raw"\], "raw\.bin", "application\/octet-stream"\)/);
    assert.match(text, /sleep\(1 \+ Math\.random\(\) \* 2\);/);
    assert.match(text, /vars\["greeting"\] = `hi \$\{randInt\(1, 9\)\}`;/);
  });
});
