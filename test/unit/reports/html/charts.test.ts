import assert from 'node:assert/strict';
import { renderChartSvg, type ReportChart } from '../../../../reports/render/html/chart.ts';
import { faultLayers } from '../../../../reports/render/html/charts/fault-marks.ts';
import { latencyOverTimeChart, latencyRows } from '../../../../reports/render/html/charts/latency-over-time.ts';
import { resourcesOverTimeChart } from '../../../../reports/render/html/charts/resources-over-time.ts';
import { resourcesVsLoadCharts } from '../../../../reports/render/html/charts/resources-vs-load.ts';
import { throughputOverTimeChart, throughputRows } from '../../../../reports/render/html/charts/throughput-over-time.ts';
import { sweepPoints, throughputVsLatencyChart } from '../../../../reports/render/html/charts/throughput-vs-latency.ts';
import { sizedTiers, tiersCostChart } from '../../../../reports/render/html/charts/tiers-cost.ts';
import { LEVEL_COLOURS } from '../../../../reports/render/html/level-colours.ts';
import { faultResult, sweepCapacity, sweepResult } from './fixtures.ts';

/** Data marks drawn (lines, points, bars, rules), not axes or legends. */
function dataMarks(svg: string): number {
  return (svg.match(/class="mark-[a-z]+ role-mark /g) ?? []).length;
}

function layers(chart: ReportChart): Record<string, unknown>[] {
  return (chart.spec as unknown as { layer: Record<string, unknown>[] }).layer;
}

describe('report.html charts', () => {
  const sweep = sweepResult();
  const capacity = sweepCapacity();
  const charts: [string, ReportChart | null][] = [
    ['latency over time (sweep)', latencyOverTimeChart(sweep)],
    ['throughput over time (sweep)', throughputOverTimeChart(sweep)],
    ['resources over time (sweep)', resourcesOverTimeChart(sweep)],
    ['latency over time (fault)', latencyOverTimeChart(faultResult())],
    ['throughput over time (fault)', throughputOverTimeChart(faultResult())],
    ['resources over time (fault)', resourcesOverTimeChart(faultResult())],
    ['throughput against p95 with the knee', throughputVsLatencyChart(sweep.sweeps![0]!, capacity)],
    ['throughput against p95 without a capacity model', throughputVsLatencyChart(sweep.sweeps![0]!, null)],
    ['CPU and memory against load', resourcesVsLoadCharts(capacity)[0] ?? null],
    ['replicas and cost per tier', tiersCostChart(capacity)],
  ];
  for (const [name, chart] of charts) {
    it(`${name}: compiles with no vega or vega-lite warning and draws marks`, async () => {
      assert.ok(chart, 'the fixture should give this chart');
      const warnings: string[] = [];
      const svg = await renderChartSvg(chart.spec, warnings);
      assert.deepEqual(warnings, []);
      assert.match(svg, /^<svg /);
      assert.ok(dataMarks(svg) > 0, 'no data marks in the SVG');
    });
  }

  it('latency rows are p50, p95 and p99 of corrected latency and the raw p95, per second with samples', () => {
    const r = faultResult();
    const rows = latencyRows(r, 'http_req_duration', 'http_req_duration_raw');
    const seconds = r.series['http_req_duration']!.filter((p) => p.count > 0);
    assert.equal(rows.filter((x) => x.series === 'p99').length, seconds.length);
    assert.deepEqual(rows.find((x) => x.series === 'p95' && x.t === seconds[0]!.t), { t: seconds[0]!.t, series: 'p95', ms: seconds[0]!.p95 });
    assert.equal(rows.filter((x) => x.series === 'p95 raw').length, r.series['http_req_duration_raw']!.filter((p) => p.count > 0).length);
  });

  it('has no latency chart for a run without a latency series', () => {
    const r = faultResult();
    delete r.series['http_req_duration'];
    assert.equal(latencyOverTimeChart(r), null);
  });

  it('throughput rows count failed requests per second from the failure rate\'s passes', () => {
    const r = faultResult();
    const rows = throughputRows(r);
    const failed = rows.filter((x) => x.series === 'failed requests/s');
    assert.deepEqual(failed.map((x) => x.perSecond), r.series['http_req_failed']!.map((p) => p.passes ?? 0));
    assert.deepEqual(failed.filter((x) => x.t >= 10 && x.t <= 12).map((x) => x.perSecond), [0, 100, 101]);
    assert.equal(rows.filter((x) => x.series === 'iterations/s').length, r.series['iterations']!.length);
  });

  it('draws an injected fault as a dashed rule at its time and shades its gap as recorded', () => {
    const fault = faultResult().faults![0]!;
    const [gap, rule] = faultLayers([fault]) as { data: { values: Record<string, unknown>[] }; mark: { type: string; strokeDash?: number[]; color: string } }[];
    assert.equal(gap!.mark.type, 'rect');
    assert.deepEqual(gap!.data.values[0], { from: fault.gap!.from, to: 19, fault: 'restart tunnel#0', failed: 422 });
    assert.equal(rule!.mark.type, 'rule');
    assert.equal(rule!.mark.color, LEVEL_COLOURS.critical);
    assert.equal(rule!.data.values[0]!['t'], fault.injectedAt);
    assert.equal(rule!.data.values[0]!['recovery'], '9.00 s');
    const [, unrecovered] = faultLayers([{ ...fault, recoverySeconds: null }]) as { data: { values: Record<string, unknown>[] } }[];
    assert.equal(unrecovered!.data.values[0]!['recovery'], 'not recovered in the run');
  });

  it('draws no fault layer for a fault that was never injected, nor for a run without faults', () => {
    const fault = { ...faultResult().faults![0]!, injectedAt: null, error: 'component not running' };
    assert.deepEqual(faultLayers([fault]), []);
    assert.deepEqual(faultLayers(undefined), []);
    assert.equal(layers(latencyOverTimeChart(sweepResult())!).length, 1);
    assert.equal(layers(latencyOverTimeChart(faultResult())!).length, 3);
  });

  it('puts each sweep step at its achieved throughput and p95, with the step level in words', () => {
    const points = sweepPoints(sweep.sweeps![0]!, 'http_req_duration');
    assert.equal(points.length, 5);
    const s1 = sweep.sweeps![0]!.steps[1]!;
    assert.deepEqual(points[1], { step: 1, x: s1.achievedRate, offered: 100, achieved: s1.achievedRate, p95: (s1.metrics['http_req_duration'] as { p95: number }).p95, level: 'Warning' });
    assert.deepEqual(points.map((p) => p.level), ['Good', 'Warning', 'Good', 'Good', 'Good']);
    assert.deepEqual(sweepPoints(sweep.sweeps![0]!, 'ws_connecting'), []);
  });

  it('puts a connection sweep\'s steps at the connections the capacity model measured as held', () => {
    const held = new Map([[0, 990], [1, 1985], [2, 3970], [3, 7900], [4, 15800]]);
    assert.deepEqual(sweepPoints(sweep.sweeps![0]!, 'http_req_duration', held).map((p) => p.x), [990, 1985, 3970, 7900, 15800]);
  });

  it('marks the knee at the knee step, and says so when no capacity model ran', () => {
    const withKnee = throughputVsLatencyChart(sweep.sweeps![0]!, capacity)!;
    const knee = layers(withKnee)[1] as { data: { values: { x: number; label: string }[] } };
    assert.equal(capacity.knee.stepIndex, 4);
    assert.deepEqual(knee.data.values[0]!.x, sweep.sweeps![0]!.steps[4]!.achievedRate);
    assert.equal(knee.data.values[0]!.label, 'knee 94 requests/s');
    const without = throughputVsLatencyChart(sweep.sweeps![0]!, null)!;
    assert.equal(layers(without).length, 1);
    assert.match(without.caption, /No capacity model ran, so no knee is marked/);
  });

  it('draws the fit line over the measured points, and none for an insufficient fit', () => {
    const [chart] = resourcesVsLoadCharts(capacity);
    const panels = (chart!.spec as unknown as { hconcat: { layer: unknown[] }[] }).hconcat;
    assert.equal(panels[0]!.layer.length, 2);
    const insufficient = structuredClone(capacity);
    insufficient.fits[0]!.cpuCores = { ...insufficient.fits[0]!.cpuCores, quality: 'insufficient', line: [] };
    const thin = (resourcesVsLoadCharts(insufficient)[0]!.spec as unknown as { hconcat: { layer: unknown[] }[] }).hconcat;
    assert.equal(thin[0]!.layer.length, 1);
    assert.deepEqual(resourcesVsLoadCharts(null), []);
  });

  it('splits each tier\'s replicas into what the load needs and the headroom, and adds a cost panel only with prices', () => {
    const chart = tiersCostChart(capacity)!;
    const panels = (chart.spec as unknown as { hconcat: { data: { values: { tier: string; replicas: number; dollars?: number }[] } }[] }).hconcat;
    assert.equal(panels.length, 2);
    for (const t of sizedTiers(capacity)) {
      const sum = panels[0]!.data.values.filter((r) => r.tier === t.name).reduce((s, r) => s + r.replicas, 0);
      assert.equal(sum, t.replicas, t.name);
    }
    assert.deepEqual(panels[1]!.data.values.map((r) => r.dollars), capacity.tiers.map((t) => t.cost!.totalMonth));
    const unpriced = structuredClone(capacity);
    for (const t of unpriced.tiers) t.cost = null;
    unpriced.cost = null;
    assert.equal((tiersCostChart(unpriced)!.spec as unknown as { hconcat: unknown[] }).hconcat.length, 1);
    assert.match(tiersCostChart(unpriced)!.caption, /No pricing profile was given/);
  });
});
