import assert from 'node:assert/strict';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import { SweepRecorder } from '../../../harness/run/sweep-recorder.ts';
import { judgeSweeps, kneeStep } from '../../../harness/run/sweep-verdict.ts';
import { thresholdsSchema, toThresholdSpecs } from '../../../harness/thresholds/threshold-schema.ts';
import type { Level, SweepResult, SweepStep } from '../../../reports/run-result.ts';

const specs = toThresholdSpecs(thresholdsSchema.parse({ http_req_duration: [{ stat: 'p(95)', good: '< 50ms', warning: '< 100ms' }] }));

describe('SweepRecorder', () => {
  it('judges each step over its own window once the run has closed it, and resolves the executor\'s wait with the level', async () => {
    const agg = new MetricsAggregate();
    const notes: string[] = [];
    const rec = new SweepRecorder({ workload: 'w', startTimeMs: 1_000, settleMs: 1_000, aggregate: agg, specs, profile: 'seed-000', components: ['echo'], onStep: (s) => notes.push(`${s.index}:${s.level}`) });
    // executor ms 1000..3000 -> run seconds 2..4; 5000..7000 -> 6..8
    const first = rec.sink.step({ index: 0, targetRate: 10, fromMs: 1_000, toMs: 3_000 });
    const second = rec.sink.step({ index: 1, targetRate: 20, fromMs: 5_000, toMs: 7_000 });
    // progress shows each step's rate from its start (settle included), nothing before the first
    assert.deepEqual([0.5, 1.5, 4.5, 5.5].map((t) => rec.currentRate(t)), [undefined, 10, 10, 20]);
    const r = new MetricsRegistry();
    const levels: Level[] = [];
    void first.then((l) => levels.push(l));
    for (let t = 1; t <= 8; t++) {
      const latency = t <= 4 ? 10 : 70;
      for (let i = 0; i < 10 * (t <= 4 ? 1 : 2); i++) r.trend('http_req_duration', { workload: 'w' }).add(latency);
      r.counter('iterations', { workload: 'w' }).add(t <= 4 ? 10 : 20);
      r.trend('component_cpu', { component: 'echo' }).add(t <= 4 ? 30 : 90);
      agg.ingest(r.drain());
      agg.closeWindow(t);
      rec.afterWindow();
      if (t === 4) { await Promise.resolve(); assert.deepEqual(levels, ['good'], 'the first step is judged at t=4, not before'); }
    }
    assert.equal(await second, 'critical');
    rec.sink.ended({ mode: 'steps', stopReason: 'all 2 listed steps ran' });
    const res = rec.result();
    assert.equal(res.stopReason, 'all 2 listed steps ran');
    assert.deepEqual(res.steps.map((s) => [s.from, s.to, s.achievedRate, s.level]), [[2, 4, 10, 'good'], [6, 8, 20, 'critical']]);
    // the default profile's CPU line applies per step: 90% is Critical on its own
    const cpu = res.steps[1]!.thresholds.find((t) => t.key === 'component_cpu{component:echo}')!;
    assert.equal(cpu.level, 'critical');
    assert.equal(res.steps[1]!.thresholds.find((t) => t.key === 'http_req_duration')!.level, 'warning');
    assert.deepEqual(notes, ['0:good', '1:critical']);
    assert.equal(res.steps[0]!.droppedIterations, 0);
  });

  it('judges a connection step by its held connections: no-data only without the connections_open gauge, load: connections in the result', async () => {
    const agg = new MetricsAggregate();
    const rec = new SweepRecorder({ workload: 'w', startTimeMs: 0, aggregate: agg, specs: [], profile: 'none', components: [] });
    const held = rec.sink.step({ index: 0, targetRate: 0, targetConnections: 500, fromMs: 0, toMs: 2_000 });
    const none = rec.sink.step({ index: 1, targetRate: 0, targetConnections: 1000, fromMs: 2_000, toMs: 3_000 });
    const r = new MetricsRegistry();
    r.gauge('connections_open', { workload: 'w' }).set(500);
    agg.ingest(r.drain());
    for (let t = 1; t <= 3; t++) {
      if (t === 2) { r.gauge('connections_open', { workload: 'w' }).set(500); agg.ingest(r.drain()); }
      agg.closeWindow(t);
      rec.afterWindow();
    }
    // no iteration started while the 500 were held: still a measured step (no thresholds: Good)
    assert.equal(await held, 'good');
    assert.equal(await none, 'no-data');
    const res = rec.result();
    assert.equal(res.load, 'connections');
    assert.deepEqual(res.steps.map((s) => [s.targetConnections, s.achievedRate, s.level]), [[500, 0, 'good'], [1000, 0, 'no-data']]);
  });

  it('judges a connection step\'s connect metrics from its ramp\'s start, everything else over its window', async () => {
    const agg = new MetricsAggregate();
    const connectSpecs = toThresholdSpecs(thresholdsSchema.parse({ connection_success: ['rate > 99%'], connecting: ['p(95) < 100ms'] }));
    const rec = new SweepRecorder({ workload: 'w', startTimeMs: 0, aggregate: agg, specs: connectSpecs, profile: 'none', components: [] });
    // the ramp is announced as it starts; its window once the count is held
    rec.sink.ramp!({ index: 0, fromMs: 1_000, untilMs: 20_000 });
    const step = rec.sink.step({ index: 0, targetRate: 0, targetConnections: 100, rampFromMs: 1_000, fromMs: 2_000, toMs: 4_000 });
    const r = new MetricsRegistry();
    for (let t = 1; t <= 4; t++) {
      // the ramp starts at 1 s; its first 10 connections land in the window before (drained late)
      if (t === 1 || t === 2) for (let i = 0; i < (t === 1 ? 10 : 90); i++) { r.rate('connection_success', { workload: 'w' }).add(t === 2 ? i !== 0 : true); r.trend('connecting', { workload: 'w' }).add(5); }
      r.gauge('connections_open', { workload: 'w' }).set(t === 1 ? 99 : 100);
      agg.ingest(r.drain());
      agg.closeWindow(t);
      rec.afterWindow();
    }
    // 99 of 100 in the ramp: Critical against > 99%, although the measured window saw no attempt
    assert.equal(await step, 'critical');
    const s = rec.result().steps[0]!;
    assert.deepEqual(s.thresholds.map((x) => [x.key, x.level]), [['connection_success', 'critical'], ['connecting', 'good']]);
    assert.deepEqual(s.metrics['connection_success'], { type: 'rate', rate: 0.99, passes: 99, total: 100 });
    assert.deepEqual([s.from, s.to], [2, 4]);
  });

  it('answers a step the run never judged with no-data and keeps it out of the result', async () => {
    const rec = new SweepRecorder({ workload: 'w', startTimeMs: 0, aggregate: new MetricsAggregate(), specs, profile: 'none', components: [] });
    const wait = rec.sink.step({ index: 0, targetRate: 5, fromMs: 0, toMs: 1_000 });
    rec.finish();
    assert.equal(await wait, 'no-data');
    assert.deepEqual(rec.result().steps, []);
  });
});

const step = (index: number, targetRate: number, level: Level): SweepStep => ({
  index, targetRate, achievedRate: targetRate, from: index * 10, to: index * 10 + 5, level, droppedIterations: 0, metrics: {},
  thresholds: [{ key: `k${index}`, metric: 'm', filter: {}, stat: 'p(95)', good: '< 1', value: index, unit: 'ms', level, source: 'scenario', abortOnCritical: false }],
});
const sweep = (steps: SweepStep[]): SweepResult => ({ workload: 'w', mode: 'auto', stopReason: 'test', steps });

describe('sweep verdict', () => {
  it('judges the run at the highest Good load below the lowest load that was not Good', () => {
    const s = sweep([step(0, 100, 'good'), step(1, 200, 'good'), step(2, 400, 'critical'), step(3, 300, 'good'), step(4, 350, 'warning')]);
    assert.equal(kneeStep(s)!.step.targetRate, 300);
    const j = judgeSweeps([s])!;
    assert.deepEqual(j.thresholds.map((t) => t.key), ['k3']);
    assert.match(j.reason, /judged at its knee, step 3 \(300\/s\)/);
  });

  it('treats a Good step above a failed one as noise, and no Good step as a knee below the sweep', () => {
    assert.equal(kneeStep(sweep([step(0, 100, 'good'), step(1, 200, 'warning'), step(2, 300, 'good')]))!.step.targetRate, 100);
    const none = judgeSweeps([sweep([step(0, 100, 'critical')])])!;
    assert.equal(none.thresholds[0]!.level, 'critical');
    assert.match(none.reason, /no step was Good, judged at the lowest/);
    assert.equal(judgeSweeps([sweep([])]), null);
  });

  it('orders and names connection steps by the connections they held, not their publish rate', () => {
    const conn = (index: number, connections: number, level: Level): SweepStep => ({ ...step(index, 10, level), targetConnections: connections });
    const s = sweep([conn(0, 500, 'good'), conn(1, 2000, 'critical'), conn(2, 1000, 'good')]);
    assert.equal(kneeStep(s)!.step.targetConnections, 1000);
    assert.match(judgeSweeps([s])!.reason, /judged at its knee, step 2 \(1000 connections\), the highest load .*; 1 step\(s\) above it/);
  });
});
