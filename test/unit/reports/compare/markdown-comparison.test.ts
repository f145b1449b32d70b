import assert from 'node:assert/strict';
import { compareSamples, DEFAULT_COMPARE } from '../../../../reports/compare/compare-runs.ts';
import { overallVerdict, renderComparisonMarkdown } from '../../../../reports/compare/markdown-comparison.ts';
import { logNormalSamples } from './synthetic-results.ts';

const P95 = { metric: 'http_req_duration', stat: 'p95' } as const;
const P99 = { metric: 'http_req_duration', stat: 'p99' } as const;

describe('Markdown comparison for a PR comment', () => {
  const regression = compareSamples([logNormalSamples(30, 10, 0.05, 1)], [logNormalSamples(30, 12, 0.05, 2)], P95, { ...DEFAULT_COMPARE, maxRegression: 0.1 });
  const tooFew = compareSamples([logNormalSamples(3, 10, 0.05, 1)], [logNormalSamples(30, 12, 0.05, 2)], P99, DEFAULT_COMPARE);

  it('renders the diff table: metric, baseline, new, ratio, interval, verdict', () => {
    const md = renderComparisonMarkdown('caplab compare: echo against baseline main', [regression, tooFew]);
    const lines = md.split('\n');
    assert.equal(lines[0], '### caplab compare: echo against baseline main: REGRESSION');
    assert.equal(lines[2], '| metric | baseline | new | ratio | interval | verdict |');
    assert.equal(lines[3], '|---|---:|---:|---:|---:|---|');
    assert.match(lines[4]!, /^\| http_req_duration p95 \| 10\.\d+ ms \(1 run, 30 s\) \| 1[12]\.\d+ ms \(1 run, 30 s\) \| 1\.\d{3} \(\+\d+\.\d%\) \| 95%: 1\.\d{3} to 1\.\d{3} \| \*\*regression\*\* \|$/);
    assert.match(lines[5]!, /^\| http_req_duration p99 \| .* \| - \| - \| _inconclusive_ \|$/);
    assert.ok(md.includes('- A regression is claimed only when the whole interval of new/baseline lies above 1.100 (--max-regression 10%)'));
    assert.ok(md.includes('http_req_duration p99: inconclusive: too few samples: 3 usable seconds in the baseline'));
    assert.ok(md.includes('To decide: lengthen the run'));
  });

  it('escapes pipes so a title cannot break the table', () => {
    assert.match(renderComparisonMarkdown('a|b', [regression]), /^### a\\\|b: REGRESSION/);
  });

  it('takes the worst verdict as the overall one', () => {
    assert.equal(overallVerdict([tooFew, regression]), 'regression');
    assert.equal(overallVerdict([tooFew]), 'inconclusive');
    assert.equal(overallVerdict([]), 'improved');
  });
});
