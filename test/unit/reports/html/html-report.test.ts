import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../../../reports/render/html/html-report.ts';
import { LEVEL_COLOURS } from '../../../../reports/render/html/level-colours.ts';
import type { RunResult } from '../../../../reports/run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';
import { faultResult, sweepResult } from './fixtures.ts';

const EVIL = '</title><script>alert(1)</script><img src=x onerror=alert(2)>';

/** The page without its inlined library builds, which contain URLs as string constants (schemas, docs links). */
function markup(html: string): string {
  return html.replace(/<script data-library="[^"]+">[\s\S]*?<\/script>/g, '<script data-library></script>');
}

function figureIds(html: string): string[] {
  return [...html.matchAll(/<figure class="chart" id="([^"]+)"/g)].map((m) => m[1]!);
}

describe('report.html page', () => {
  let sweepHtml = '';
  before(async function () {
    this.timeout(20_000);
    sweepHtml = await renderHtmlReport(sweepResult(), { failOn: 'critical' });
  });

  it('loads nothing from outside the file: no src, href, stylesheet link, CSS url() or @import', () => {
    const page = markup(sweepHtml);
    assert.doesNotMatch(page, /\s(?:src|href)\s*=/i);
    assert.doesNotMatch(page, /<link\b/i);
    assert.doesNotMatch(page, /url\(|@import/i);
    // Only the inlined builds and the mounting script: no <script src=...> anywhere, libraries included.
    assert.doesNotMatch(sweepHtml, /<script[^>]*\ssrc\s*=/i);
  });

  it('inlines vega, vega-lite and vega-embed once each, then the mounting script', () => {
    const libs = [...sweepHtml.matchAll(/<script data-library="([^@"]+)@[^"]+">/g)].map((m) => m[1]);
    assert.deepEqual(libs, ['vega', 'vega-lite', 'vega-embed']);
    assert.match(sweepHtml, /vegaEmbed\(slot, spec, \{ mode: 'vega-lite'/);
  });

  it('gives every chart a static SVG and its spec, under ids unique in the page', () => {
    const ids = figureIds(sweepHtml);
    assert.deepEqual(ids, ['chart-latency-over-time', 'chart-throughput-over-time', 'chart-resources-over-time', 'chart-throughput-vs-latency-sweep', 'chart-resources-vs-load-echo', 'chart-tiers-cost']);
    const statics = [...sweepHtml.matchAll(/<div class="chart-static"><svg /g)];
    assert.equal(statics.length, ids.length);
    const specs = [...sweepHtml.matchAll(/<script type="application\/json" class="chart-spec">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
    assert.equal(specs.length, ids.length);
    for (const spec of specs) assert.ok('layer' in spec || 'hconcat' in spec || 'vconcat' in spec);
  });

  it('colours each threshold row by its level, in the colours the charts use', async () => {
    const html = await renderHtmlReport(exampleRunResult('critical'), { failOn: 'critical' });
    const result = exampleRunResult('critical');
    const rowClasses = [...html.matchAll(/<tr class="(level-[a-z-]+)"><td class="level">([A-Za-z ]+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    const expected = result.thresholds.map((t) => `level-${t.level} ${{ good: 'Good', warning: 'Warning', critical: 'Critical', 'no-data': 'No data' }[t.level]}`);
    assert.deepEqual(rowClasses.slice(0, expected.length), expected);
    assert.ok(result.thresholds.some((t) => t.level === 'critical'));
    assert.ok(html.includes(`tr.level-critical td.level, .callout.level-critical { color: ${LEVEL_COLOURS.critical};`));
    assert.ok(html.includes(`tr.level-good td.level, .callout.level-good { color: ${LEVEL_COLOURS.good};`));
    assert.match(html, /<span class="verdict verdict-critical">CRITICAL<\/span>/);
  });

  it('escapes every string from the result: a scenario, threshold, component, workload, fault and error named with markup stay text', async () => {
    const r: RunResult = sweepResult();
    r.scenario = EVIL;
    r.description = EVIL;
    r.thresholds[0]!.key = EVIL;
    r.resources[0]!.component = EVIL;
    r.sweeps![0]!.workload = EVIL;
    r.sweeps![0]!.stopReason = EVIL;
    r.verdictReasons = [EVIL];
    r.errors = [{ code: 'CAPLAB_ERR_X', message: EVIL, hint: EVIL }];
    r.environment.hostname = EVIL;
    r.faults = [{ ...faultResult().faults![0]!, component: EVIL, observations: { [EVIL]: 1 } }];
    const html = await renderHtmlReport(r, { failOn: 'critical' });
    const page = markup(html);
    assert.doesNotMatch(page, /<script>alert|<img src=x|<\/title><script/);
    // The only script elements are the 3 libraries, the mounting script and one JSON spec per chart.
    const scripts = page.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 3 + 1 + figureIds(html).length);
    assert.ok(scripts.every((s) => s === '<script data-library>' || s === '<script>' || s === '<script type="application/json" class="chart-spec">'));
    assert.match(page, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(page, /<h1>&lt;\/title&gt;&lt;script&gt;alert\(1\)/);
    // The component name reaches the static SVG (legend) and the embedded spec, escaped in both.
    assert.match(page, /<text[^>]*>&lt;\/title&gt;&lt;script&gt;alert\(1\)/);
    assert.ok(page.includes('\\u003c/title\\u003e\\u003cscript\\u003ealert(1)'));
  });

  it('shows the faults of a run, drawn and tabled', async () => {
    const html = await renderHtmlReport(faultResult(), { failOn: 'critical' });
    assert.match(html, /<section id="faults"><h2>Faults<\/h2>/);
    assert.match(html, /<td>restart tunnel#0<\/td><td class="num">10.0 s<\/td><td class="num">10.0 s<\/td><td class="num">12.3 s<\/td><td>10.0–19.0 s<\/td><td class="num">422<\/td><td class="num">9.00 s<\/td><td>agentsBack 20; agentsBackSeconds 6.72; agentsBefore 20<\/td>/);
    assert.doesNotMatch(html, /<section id="capacity">/);
  });

  it('reports a capacity model that fails in the page instead of failing the report', async () => {
    const html = await renderHtmlReport(sweepResult(), { failOn: 'critical', capacity: { component: 'nope' } });
    assert.match(html, /The capacity model could not size this sweep: no component named &quot;nope&quot;/);
    assert.ok(figureIds(html).includes('chart-throughput-vs-latency-sweep'));
    assert.ok(!figureIds(html).includes('chart-tiers-cost'));
  });

  it('prices the tiers with the OpenCost defaults unless told otherwise', () => {
    assert.match(sweepHtml, /Prices: opencost-default/);
  });

  it('without interactivity inlines no script but the chart specs, and is a fraction of the size', async () => {
    const html = await renderHtmlReport(sweepResult(), { failOn: 'critical', interactive: false });
    assert.deepEqual([...new Set(html.match(/<script\b[^>]*>/g))], ['<script type="application/json" class="chart-spec">']);
    assert.ok(html.length * 4 < sweepHtml.length, `${html.length} vs ${sweepHtml.length}`);
    assert.match(html, /charts are inline SVG\.<\/footer>/);
  });
});
