import assert from 'node:assert/strict';
import { fitResourcePerUnit, type PerUnitInput } from '../../../../reports/capacity/resource-per-unit.ts';

/** Seconds 1..n with metric x(t) and RSS y(t), as the run records them. */
function input(n: number, x: (t: number) => number, y: (t: number) => number, over: Partial<PerUnitInput> = {}): PerUnitInput {
  const ts = Array.from({ length: n }, (_, i) => i + 1);
  return {
    component: 'tunnel', metric: 'tunnel_agents_connected', unit: 'agent', from: 0, to: n,
    rss: ts.map((t) => ({ t, rssBytes: y(t) })),
    metricSeries: ts.map((t) => ({ t, count: 1, value: x(t) })),
    ...over,
  };
}

/** A deterministic noise source (xorshift), so the noisy cases are the same every run. */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

describe('fitResourcePerUnit (memory per agent, per stream)', () => {
  it('recovers a clean slope: 64 KiB per agent over 50 MiB, stepping 10 -> 200 agents', () => {
    const agents = (t: number): number => Math.min(200, 10 * Math.ceil(t / 5));
    const f = fitResourcePerUnit(input(100, agents, (t) => 50 * 2 ** 20 + 65_536 * agents(t)));
    assert.equal(f.poor, undefined);
    assert.ok(Math.abs(f.bytesPerUnit! - 65_536) < 1e-6);
    assert.ok(Math.abs(f.interceptBytes! - 50 * 2 ** 20) < 1e-3);
    assert.ok(f.rSquared! > 0.999999);
    assert.deepEqual([f.n, f.distinctX, f.xMin, f.xMax], [100, 20, 10, 200]);
  });

  it('keeps a number under moderate noise, within a few percent of the truth', () => {
    const r = noise(7);
    const f = fitResourcePerUnit(input(120, (t) => 5 * t, (t) => 80e6 + 20_000 * 5 * t + 1e6 * r()));
    assert.equal(f.poor, undefined);
    assert.ok(f.rSquared! >= 0.8 && f.rSquared! < 1, `R² ${f.rSquared}`);
    assert.ok(Math.abs(f.bytesPerUnit! - 20_000) / 20_000 < 0.05, `slope ${f.bytesPerUnit}`);
  });

  it('claims no number when noise swamps the slope (R² under 0.8), but keeps the fitted line for diagnosis', () => {
    const r = noise(11);
    const f = fitResourcePerUnit(input(60, (t) => t, (t) => 80e6 + 1_000 * t + 20e6 * r()));
    assert.equal(f.bytesPerUnit, null);
    assert.ok(f.rSquared !== null && f.rSquared < 0.8);
    assert.match(f.poor!, /R² 0\.\d\d is under 0\.8/);
    assert.notEqual(f.slope, null);
  });

  it('claims no number when the metric held one value (flat x)', () => {
    const f = fitResourcePerUnit(input(30, () => 200, (t) => 1e8 + t * 1e5));
    assert.equal(f.bytesPerUnit, null);
    assert.equal(f.slope, null);
    assert.match(f.poor!, /held one value \(200\)/);
  });

  it('claims no number from only two distinct values, however straight the line', () => {
    const f = fitResourcePerUnit(input(20, (t) => (t <= 10 ? 10 : 20), (t) => (t <= 10 ? 1e8 : 2e8)));
    assert.equal(f.bytesPerUnit, null);
    assert.match(f.poor!, /only 2 distinct values/);
  });

  it('claims no number when RSS falls as the metric rises', () => {
    const f = fitResourcePerUnit(input(40, (t) => t, (t) => 2e8 - 1e5 * t));
    assert.equal(f.bytesPerUnit, null);
    assert.match(f.poor!, /RSS fell/);
  });

  it('fits only the samples inside the window (from < t <= to), pairing RSS and metric by second', () => {
    // Inside 10 < t <= 30, 1 MB per stream; outside, RSS jumps unrelated to the metric.
    const x = (t: number): number => t;
    const y = (t: number): number => (t > 10 && t <= 30 ? 1e6 * t : 5e8);
    const f = fitResourcePerUnit(input(50, x, y, { from: 10, to: 30, during: 'hold', metric: 'tunnel_streams_open', unit: 'stream' }));
    assert.equal(f.n, 20);
    assert.ok(Math.abs(f.bytesPerUnit! - 1e6) < 1e-6);
    assert.equal(f.during, 'hold');
  });

  it('says so when no metric sample lines up with an RSS sample (scrapes all failed)', () => {
    const f = fitResourcePerUnit({ ...input(10, (t) => t, (t) => t), metricSeries: [] });
    assert.equal(f.n, 0);
    assert.equal(f.bytesPerUnit, null);
    assert.match(f.poor!, /no tunnel_agents_connected sample of tunnel lines up/);
  });
});
