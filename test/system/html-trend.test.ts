import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtmlReport } from '../../reports/render/html/html-report.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { waitFor } from '../../scripts/headless-chromium.ts';
import { useChromium } from '../support/chromium-suite.ts';

const SWEEP = new URL('../fixtures/results/html-sweep.json', import.meta.url);

describe('report.html with the trend across stored runs, in headless Chromium', function () {
  this.timeout(90_000);
  const chromium = useChromium('caplab-html-trend-');

  it('mounts both trend charts interactively, with data marks and no console error', async () => {
    const base = JSON.parse(await readFile(SWEEP, 'utf8')) as RunResult;
    const at = (day: number, p95: number): RunResult => {
      const r = structuredClone(base);
      r.startedAt = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
      (r.metrics['http_req_duration'] as { p95: number }).p95 = p95;
      return r;
    };
    const html = await renderHtmlReport(at(20, 12), { failOn: 'critical', trend: { baseline: 'main', dir: 'reports/baselines', runs: [at(1, 9.5), at(5, 10.1), at(9, 9.8)] } });
    const file = join(chromium.dir(), 'report.html');
    await writeFile(file, html);
    const page = await chromium.browser().open(pathToFileURL(file).href, { width: 1000, height: 900 });
    await waitFor(page, `document.querySelectorAll('figure.chart[data-interactive="static"]').length === 0`, 60_000);
    const trend = await page.evaluate<{ id: string; state: string | null; marks: number }[]>(`[...document.querySelectorAll('#trend figure.chart')].map((f) => ({
      id: f.id, state: f.getAttribute('data-interactive'),
      marks: f.querySelectorAll('.chart-interactive svg g.role-mark > path, .chart-interactive svg g.role-mark > line, .chart-interactive svg g.role-mark > text').length,
    }))`);
    assert.deepEqual(trend.map((t) => [t.id, t.state]), [['chart-trend-latency', 'ready'], ['chart-trend-throughput', 'ready']]);
    for (const t of trend) assert.ok(t.marks >= 4, `${t.id}: ${t.marks} marks (4 points, a line, the rule)`);
    assert.deepEqual([...page.log.pageErrors, ...page.log.consoleErrors], []);
  });
});
