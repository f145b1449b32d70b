import assert from 'node:assert/strict';
import { cell, renderMarkdown } from '../../../../reports/render/markdown.ts';
import type { RunResult } from '../../../../reports/run-result.ts';
import { trendOf } from '../../../fixtures/run-results/make-run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';
import { lineWith } from './line-with.ts';

const md = (r: RunResult, failOn: 'critical' | 'warning' = 'critical'): string => renderMarkdown(r, { failOn });

/** Cells of a GitHub table row, honouring `\|` escapes. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

describe('render/markdown', () => {
  it('opens with an emoji verdict line for every verdict', () => {
    const expected = { good: '✅', warning: '⚠️', critical: '❌', invalid: '🚫', aborted: '⏹' } as const;
    for (const [kind, emoji] of Object.entries(expected)) {
      const first = md(exampleRunResult(kind as keyof typeof expected)).split('\n')[0]!;
      assert.ok(first.startsWith(`## ${emoji} echo-constant-rate: ${kind.toUpperCase()}`), first);
    }
    assert.equal(md(exampleRunResult('invalid')).split('\n')[0], '## 🚫 echo-constant-rate: INVALID (the load generator was the bottleneck)');
  });

  it('says whether the run passes under the --fail-on policy', () => {
    lineWith(md(exampleRunResult('warning'), 'critical'), '**passes** under `--fail-on critical`');
    lineWith(md(exampleRunResult('warning'), 'warning'), '**fails** under `--fail-on warning`');
    lineWith(md(exampleRunResult('good'), 'warning'), '**passes**');
  });

  it('tabulates thresholds with level, value, conditions and source', () => {
    const out = md(exampleRunResult('critical'));
    const row = cells(lineWith(out, '| ❌ CRIT | http_req_failed |'));
    assert.deepEqual(row, ['❌ CRIT', 'http_req_failed', 'rate', '2.32%', '< 0.1%', '< 1%', 'scenario']);
    assert.deepEqual(cells(lineWith(out, '| ❌ CRIT | component_cpu{component:proxy} |')).slice(-1), ['default profile']);
  });

  it('shows a threshold without samples as no data', () => {
    const row = cells(lineWith(md(exampleRunResult('no-data')), '| ws_connecting |'));
    assert.deepEqual(row, ['❔ NO DATA', 'ws_connecting', 'p(95)', 'no data', '< 200ms', '< 1s', 'scenario']);
  });

  it('shows corrected and raw latency in one table', () => {
    const base = exampleRunResult('good');
    const oneTo = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => (i + 1) * k);
    const r = { ...base, metrics: { ...base.metrics, http_req_duration: trendOf(oneTo(1000, 1), 'ms'), http_req_duration_raw: trendOf(oneTo(1000, 0.1), 'ms') } };
    const out = md(r);
    assert.deepEqual(cells(lineWith(out, '|  | corrected (http_req_duration) | raw (http_req_duration_raw) |')), ['', 'corrected (http_req_duration)', 'raw (http_req_duration_raw)']);
    assert.deepEqual(cells(lineWith(out, '| p99.9 |')), ['p99.9', '999 ms', '99.9 ms']);
    assert.deepEqual(cells(lineWith(out, '| max |')), ['max', '1000 ms', '100 ms']);
    lineWith(out, 'coordinated omission corrected');
  });

  it('tabulates workloads, generator health and resources', () => {
    const out = md(exampleRunResult('invalid'));
    assert.deepEqual(cells(lineWith(out, '| echo | constant-arrival-rate |')), ['echo', 'constant-arrival-rate', '100.0/s', '85.0/s', '5,100', '⚠️ 900']);
    assert.deepEqual(cells(lineWith(out, '| bottleneck |')), ['bottleneck', '🚫 yes: the run measured the generator, not the system']);
    lineWith(out, '- 900 of 6000 iterations were dropped');
    assert.equal(cells(lineWith(out, '| proxy |')).length, 6);
  });

  it('lists harness errors of an aborted run', () => {
    const row = cells(lineWith(md(exampleRunResult('aborted')), '| CAPLAB_ERR_DRIVER_CONNECT |'));
    assert.deepEqual(row, ['CAPLAB_ERR_DRIVER_CONNECT', 'cannot connect to the target: connect ECONNREFUSED 127.0.0.1:41873', 'check that the target is up and the URL is right']);
  });

  it('puts the environment fingerprint in a details block', () => {
    const out = md(exampleRunResult('good'));
    const details = out.slice(out.indexOf('<details><summary>Environment</summary>'));
    assert.ok(details.includes('</details>'));
    assert.deepEqual(cells(lineWith(details, '| commit |')), ['commit', '240ba8130074978bf360300e08ab0f023ad66be3']);
    assert.deepEqual(cells(lineWith(details, '| CPU |')), ['CPU', '2 × AMD EPYC 7B13']);
    assert.deepEqual(cells(lineWith(details, '| provider |')), ['provider', 'local']);
  });

  it('escapes pipes and newlines so a cell cannot break its table', () => {
    assert.equal(cell('a|b'), 'a\\|b');
    assert.equal(cell('line one\nline two'), 'line one<br>line two');
    assert.equal(cell('back\\slash'), 'back\\\\slash');
    assert.equal(cell('<script>'), '&lt;script>');
    assert.equal(cell('< 100ms'), '< 100ms');
    const r = exampleRunResult('good');
    r.checks = [{ name: 'status | body ok\nand more', passes: 3, fails: 0 }];
    const row = lineWith(md(r), 'status');
    assert.equal(row, '| ✅ status \\| body ok<br>and more | 3 | 0 | 100.0% |');
    assert.equal(cells(row).length, 4);
  });

  it('keeps every table row the same width as its header', () => {
    for (const kind of ['good', 'critical', 'aborted', 'no-data'] as const) {
      const lines = md(exampleRunResult(kind)).split('\n');
      for (let i = 1; i < lines.length; i++) {
        if (!/^\| ?-/.test(lines[i]!)) continue;
        const width = cells(lines[i - 1]!).length;
        for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) assert.equal(cells(lines[j]!).length, width, lines[j]);
      }
    }
  });
});
