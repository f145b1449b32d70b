import assert from 'node:assert/strict';
import { renderConsole } from '../../../../reports/render/console.ts';
import { renderMarkdown } from '../../../../reports/render/markdown.ts';
import type { ResourcePerUnit, RunResult } from '../../../../reports/run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';

const agentFit: ResourcePerUnit = {
  component: 'tunnel', metric: 'tunnel_agents_connected', unit: 'agent', during: 'ramp', from: 0, to: 80,
  bytesPerUnit: 43_008, slope: 43_008, interceptBytes: 62 * 2 ** 20, rSquared: 0.9712, n: 80, distinctX: 20, xMin: 10, xMax: 200,
};
const streamFit: ResourcePerUnit = {
  component: 'tunnel', metric: 'tunnel_streams_open', unit: 'stream', during: 'hold', from: 100, to: 140,
  bytesPerUnit: null, slope: 9_000, interceptBytes: 70e6, rSquared: 0.41, n: 40, distinctX: 5, xMin: 0, xMax: 400,
  poor: 'R² 0.41 is under 0.8: RSS does not follow tunnel_streams_open closely enough',
};

function withScrape(perUnit: ResourcePerUnit[], failures = 0): RunResult {
  return {
    ...exampleRunResult('good'),
    scrape: { components: [{ component: 'tunnel', scrapes: 140, failures, ...(failures ? { lastFailure: 'status 503' } : {}), missing: [], badLines: 0 }], perUnit },
  };
}

describe('render: memory per unit (RunResult.scrape)', () => {
  it('summary.md shows bytes per agent in KiB with R², and a poor fit as a reason instead of a figure', () => {
    const md = renderMarkdown(withScrape([agentFit, streamFit]), { failOn: 'critical' });
    const section = md.slice(md.indexOf('### Memory per unit'));
    assert.match(section, /\| tunnel \| agent \| 42\.0 KiB per agent \| R² 0\.971, slope 42\.0 KiB, intercept 62\.0 MiB \| 80 \(tunnel_agents_connected 10-200, 20 values\) \| workload ramp, 0-80 s \|/);
    assert.match(section, /\| tunnel \| stream \| no figure: R² 0\.41 is under 0\.8/);
    assert.doesNotMatch(section, /8\.8 KiB per stream/);
  });

  it('the console shows the same rows and says when scrapes failed', () => {
    const text = renderConsole(withScrape([agentFit], 3), { failOn: 'critical', color: false });
    assert.match(text, /Memory per unit/);
    assert.match(text, /42\.0 KiB per agent/);
    assert.match(text, /tunnel: 3 of 140 scrapes failed \(last: status 503\)/);
  });

  it('neither renderer adds the section when no component was scraped', () => {
    assert.doesNotMatch(renderMarkdown(exampleRunResult('good'), { failOn: 'critical' }), /Memory per unit/);
    assert.doesNotMatch(renderConsole(exampleRunResult('good'), { failOn: 'critical', color: false }), /Memory per unit/);
  });
});
