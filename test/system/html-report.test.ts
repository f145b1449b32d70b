import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtmlReport } from '../../reports/render/html/html-report.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { waitFor } from '../../scripts/headless-chromium.ts';
import { useChromium } from '../support/chromium-suite.ts';

const SWEEP = new URL('../fixtures/results/html-sweep.json', import.meta.url);
const FAULT = new URL('../fixtures/results/html-fault.json', import.meta.url);

// The chart's own marks (lines, points, bars, rules) sit in `g.role-mark` groups; axes, legends and the
// background frame have other roles, so a chart that drew no data has none.
const MARKS = 'g.role-mark > path, g.role-mark > line, g.role-mark > rect, g.role-mark > text';

interface ChartState { id: string; interactive: string | null; staticMarks: number; staticVisible: boolean; embedMounted: boolean; embedMarks: number }

const CHART_STATES = `[...document.querySelectorAll('figure.chart')].map((f) => ({
  id: f.id,
  interactive: f.getAttribute('data-interactive'),
  staticMarks: f.querySelectorAll('.chart-static svg :is(${MARKS})').length,
  staticVisible: f.querySelector('.chart-static').getBoundingClientRect().height > 0,
  embedMounted: f.querySelector('.chart-interactive.vega-embed') !== null,
  embedMarks: f.querySelectorAll('.chart-interactive svg :is(${MARKS})').length,
}))`;

describe('report.html in headless Chromium', function () {
  const chromium = useChromium('caplab-html-report-');

  async function reportFile(fixture: URL, name: string): Promise<string> {
    const result = JSON.parse(await readFile(fixture, 'utf8')) as RunResult;
    const file = join(chromium.dir(), name);
    await writeFile(file, await renderHtmlReport(result, { failOn: 'critical' }));
    return pathToFileURL(file).href;
  }

  for (const [label, fixture, minCharts] of [['a capacity sweep', SWEEP, 4], ['a run with an injected fault', FAULT, 3]] as const) {
    it(`renders every chart of ${label} interactively, with no console error and no request off the file`, async function () {
      this.timeout(60_000);
      const url = await reportFile(fixture, `${label.replace(/\W+/g, '-')}.html`);
      const page = await chromium.browser().open(url);
      await waitFor(page, `document.querySelectorAll('figure.chart[data-interactive="static"]').length === 0`, 30_000);
      const charts = await page.evaluate<ChartState[]>(CHART_STATES);
      assert.ok(charts.length >= minCharts, `expected at least ${minCharts} charts, found ${charts.length}`);
      for (const c of charts) {
        assert.equal(c.interactive, 'ready', `${c.id} did not mount`);
        assert.ok(c.embedMounted, `${c.id}: no vega-embed view`);
        assert.ok(c.embedMarks > 0, `${c.id}: the interactive view drew no marks`);
        assert.ok(c.staticMarks > 0, `${c.id}: the static SVG has no marks`);
        assert.equal(c.staticVisible, false, `${c.id}: the static SVG should give way to the interactive view`);
      }
      assert.deepEqual(page.log.pageErrors, []);
      assert.deepEqual(page.log.consoleErrors, []);
      assert.deepEqual(page.log.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
    });
  }

  it('shows every chart as static SVG when JavaScript is off', async function () {
    this.timeout(60_000);
    const url = await reportFile(SWEEP, 'no-js.html');
    const page = await chromium.browser().open(url, { javaScript: false });
    const charts = await page.evaluate<ChartState[]>(CHART_STATES);
    assert.ok(charts.length >= 4);
    for (const c of charts) {
      assert.equal(c.interactive, 'static', `${c.id} changed without JavaScript`);
      assert.ok(c.staticVisible, `${c.id}: static SVG not visible`);
      assert.ok(c.staticMarks > 0, `${c.id}: static SVG has no marks`);
    }
    assert.deepEqual(page.log.pageErrors, []);
  });
});
