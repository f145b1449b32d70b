import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunResult, RunResultError } from '../../../reports/read-run-result.ts';
import { renderConsole } from '../../../reports/render/console.ts';
import { renderJson } from '../../../reports/render/json.ts';
import { exampleRunResult } from '../../fixtures/run-results/verdict-examples.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/run-results/', import.meta.url));

describe('read-run-result', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'caplab-read-result-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function fileWith(name: string, content: string): Promise<string> {
    const path = join(root, name);
    await writeFile(path, content);
    return path;
  }

  function rejectsWith(code: RunResultError['code'], message: RegExp) {
    return (err: unknown): boolean => {
      assert.ok(err instanceof RunResultError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    };
  }

  it('reads back a result written by renderJson', async () => {
    const result = exampleRunResult('aborted');
    assert.deepEqual(await readRunResult(await fileWith('ok.json', renderJson(result))), result);
  });

  it('reads the checked-in good and critical examples, which renderers can print', async () => {
    const good = await readRunResult(join(FIXTURES, 'good.json'));
    const critical = await readRunResult(join(FIXTURES, 'critical.json'));
    assert.equal(good.verdict, 'good');
    assert.ok(good.thresholds.every((t) => t.level === 'good'));
    assert.equal(critical.verdict, 'critical');
    assert.ok(critical.thresholds.every((t) => t.level === 'critical'));
    assert.match(renderConsole(critical, { color: false, failOn: 'critical' }), /verdict CRITICAL: FAIL/);
  });

  it('says there is no such file, and what to pass instead', async () => {
    await assert.rejects(readRunResult(join(root, 'missing.json')), rejectsWith('CAPLAB_ERR_RESULT_READ', /missing\.json: no such file; pass a result\.json written by `caplab run`/));
  });

  it('keeps the problem and the advice apart for the CLI', async () => {
    const err = await readRunResult(join(root, 'missing.json')).catch((e: unknown) => e);
    assert.ok(err instanceof RunResultError);
    assert.match(err.detail, /^cannot read run result .*missing\.json: no such file$/);
    assert.equal(err.hint, 'pass a result.json written by `caplab run`');
    assert.equal(err.message, `${err.detail}; ${err.hint}`);
  });

  it('says a file is not JSON', async () => {
    await assert.rejects(readRunResult(await fileWith('junk.json', '{"schemaVersion": 1,')), rejectsWith('CAPLAB_ERR_RESULT_READ', /junk\.json is not valid JSON/));
  });

  it('rejects another schema version with a version error that says which caplab to use', async () => {
    const path = await fileWith('v2.json', JSON.stringify({ ...exampleRunResult('good'), schemaVersion: 2 }));
    await assert.rejects(readRunResult(path), rejectsWith('CAPLAB_ERR_RESULT_VERSION', /schemaVersion 2, this caplab reads only 1; re-run the scenario with this caplab version/));
  });

  it('rejects JSON that is not an object or has no schemaVersion as not a run result', async () => {
    await assert.rejects(readRunResult(await fileWith('array.json', '[1,2]')), rejectsWith('CAPLAB_ERR_RESULT_READ', /expected a JSON object, got an array/));
    await assert.rejects(readRunResult(await fileWith('pkg.json', '{"name":"caplab"}')), rejectsWith('CAPLAB_ERR_RESULT_READ', /it has no schemaVersion/));
  });

  it('lists every shape problem at once instead of crashing a renderer later', async () => {
    const broken = { ...exampleRunResult('good'), verdict: 'green', metrics: [], thresholds: 'none', workloads: undefined };
    const path = await fileWith('shape.json', JSON.stringify(broken));
    const err = await readRunResult(path).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
    assert.ok(err instanceof RunResultError);
    assert.equal(err.code, 'CAPLAB_ERR_RESULT_READ');
    assert.deepEqual(err.problems, [
      'verdict must be one of good, warning, critical, invalid, aborted, got "green"',
      'workloads must be an array, got nothing (the field is missing)',
      'metrics must be an object of metric summaries, got an array',
      'thresholds must be an array, got "none"',
    ]);
    assert.match(err.message, /shape\.json is not a valid caplab run result:\n {2}- verdict must be one of[^]*\npass a result\.json written by `caplab run`$/);
  });

  it('names the bad entries inside generator, metrics and thresholds', async () => {
    const good = exampleRunResult('good');
    const broken = { ...good, generator: { ...good.generator, reasons: null }, metrics: { ...good.metrics, bogus: { type: 'histogram' } }, thresholds: [{ ...good.thresholds[0], level: 'fine' }, 7] };
    const err = await readRunResult(await fileWith('entries.json', JSON.stringify(broken))).catch((e: unknown) => e);
    assert.ok(err instanceof RunResultError);
    assert.deepEqual(err.problems, [
      'generator.reasons must be an array, got null',
      'metrics.bogus must be an object whose type is one of trend, counter, rate, gauge, got "histogram"',
      'thresholds[0].level must be one of good, warning, critical, no-data, got "fine"',
      'thresholds[1] must be an object, got number 7',
    ]);
  });
});
