import assert from 'node:assert/strict';
import { renderJson } from '../../../../reports/render/json.ts';
import type { RunResult } from '../../../../reports/run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';

describe('render/json', () => {
  it('writes two-space JSON with a trailing newline that parses back to the same result', () => {
    const result = exampleRunResult('good');
    const text = renderJson(result);
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"schemaVersion": 1,\n {2}"scenario": "echo-constant-rate",/);
    assert.deepEqual(JSON.parse(text), result);
  });

  it('writes the same text whatever order the keys were inserted in', () => {
    const result = exampleRunResult('good');
    const shuffled = Object.fromEntries(Object.entries(result).reverse()) as unknown as RunResult;
    shuffled.metrics = Object.fromEntries(Object.entries(result.metrics).reverse());
    assert.equal(renderJson(shuffled), renderJson(result));
  });

  it('sorts metric names so two runs diff line by line', () => {
    const result = exampleRunResult('good');
    const text = renderJson(result);
    const names = [...text.matchAll(/^ {4}"([a-z_{}:]+)": \{$/gm)].map((m) => m[1]!);
    const metricNames = names.filter((n) => n in result.metrics);
    assert.deepEqual(metricNames, [...metricNames].sort());
    assert.ok(metricNames.length >= 10);
  });
});
