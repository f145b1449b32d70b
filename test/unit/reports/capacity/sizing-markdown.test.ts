import assert from 'node:assert/strict';
import { renderMarkdown } from '../../../../reports/render/markdown.ts';
import { sizingMarkdown } from '../../../../reports/render/markdown-sizing.ts';
import { cleanHttpSweep } from '../../../fixtures/results/make-sweep-result.ts';
import { makeRunResult } from '../../../fixtures/run-results/make-run-result.ts';

describe('summary.md sizing section', () => {
  it('is absent for a run without a sweep', () => {
    assert.deepEqual(sizingMarkdown(makeRunResult()), []);
    assert.doesNotMatch(renderMarkdown(makeRunResult(), { failOn: 'critical' }), /Capacity and cost/);
  });

  it('shows the tier table in the seeds’ shape and its OpenCost cost for a run with a sweep', () => {
    const md = renderMarkdown(cleanHttpSweep(), { failOn: 'critical' });
    assert.match(md, /### Capacity and cost/);
    assert.match(md, /\| tier \| load \| replicas \| CPU req \| mem req \| CPU lim \| mem lim \| total CPU \| total mem \| \$\/month \| \$\/1M req \|/);
    assert.match(md, /\| large \| 10,000\/s \| 4 \(3\+1\) \| \d+m \| \d+Mi \| none \| \d+Mi \| \d+m \| \d+Mi \| \$\d+\.\d\d \| \$[\d.]+ \|/);
    assert.match(md, /\| tier \| allocated CPU \| allocated mem \| CPU \$\/mo \| RAM \$\/mo \| idle \$\/mo \| total \$\/mo \| \$\/1M req \|/);
    assert.match(md, /knee: Good up to 4,000\/s; 5,000\/s was critical/);
    assert.match(md, /pricing opencost-default \(https:\/\/github\.com\/opencost\/opencost/);
  });
});
