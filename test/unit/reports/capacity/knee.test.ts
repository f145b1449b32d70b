import assert from 'node:assert/strict';
import type { Level } from '../../../../reports/run-result.ts';
import type { KneeStep } from '../../../../reports/capacity/capacity-report.ts';
import { findKnee } from '../../../../reports/capacity/knee.ts';

const steps = (levels: [number, Level][]): KneeStep[] =>
  levels.map(([load, level], index) => ({ index, load, achievedRate: load, p95Ms: level === 'good' ? 10 : 300, level, notGood: level === 'good' ? [] : ['http_req_duration'] }));

describe('findKnee', () => {
  it('a clean knee is the last Good load before the first step that left Good', () => {
    const k = findKnee(steps([[100, 'good'], [200, 'good'], [400, 'good'], [800, 'warning'], [1600, 'critical']]), { unit: 'requests/s' });
    assert.equal(k.status, 'found');
    assert.equal(k.load, 400);
    assert.equal(k.stepIndex, 2);
    assert.deepEqual(k.limitedBy, { stepIndex: 3, load: 800, level: 'warning', thresholds: ['http_req_duration'] });
    assert.deepEqual(k.unstableLoads, []);
    assert.match(k.explanation, /Good up to 400\/s; 800\/s was warning \(http_req_duration\)/);
  });

  it('an auto sweep that bisected out of order is sorted by load before the knee is read', () => {
    const s = steps([[100, 'good'], [200, 'good'], [400, 'good'], [800, 'critical'], [600, 'good'], [700, 'warning'], [650, 'good']]);
    const k = findKnee(s);
    assert.equal(k.load, 650);
    assert.equal(k.limitedBy?.load, 700);
    assert.deepEqual(k.steps.map((x) => x.load), [100, 200, 400, 600, 650, 700, 800]);
  });

  it('a noisy sweep does not climb past a failed step: Good loads above it are listed as unstable', () => {
    const k = findKnee(steps([[100, 'good'], [200, 'good'], [300, 'warning'], [400, 'good'], [500, 'critical'], [600, 'good']]), { unit: 'connections' });
    assert.equal(k.status, 'found');
    assert.equal(k.load, 200);
    assert.deepEqual(k.unstableLoads, [400, 600]);
    assert.match(k.explanation, /400 connections, 600 connections were Good again above it/);
  });

  it('no knee in range: every step Good gives the highest load as a lower bound', () => {
    const k = findKnee(steps([[100, 'good'], [200, 'good'], [400, 'good']]));
    assert.equal(k.status, 'above-range');
    assert.equal(k.load, 400);
    assert.equal(k.limitedBy, null);
    assert.match(k.explanation, /at least that; sweep higher/);
  });

  it('thresholds never Good: no knee, and the lowest step is what limits', () => {
    const k = findKnee(steps([[100, 'critical'], [200, 'critical']]));
    assert.equal(k.status, 'never-good');
    assert.equal(k.load, null);
    assert.equal(k.stepIndex, null);
    assert.equal(k.limitedBy?.load, 100);
    assert.match(k.explanation, /no knee in range.*sweep from a lower load/);
  });

  it('a no-data step is not Good: it never vouches for capacity', () => {
    const k = findKnee(steps([[100, 'good'], [200, 'no-data'], [300, 'good']]));
    assert.equal(k.load, 100);
    assert.equal(k.limitedBy?.level, 'no-data');
  });

  it('an empty sweep says so', () => {
    const k = findKnee([]);
    assert.equal(k.status, 'no-steps');
    assert.equal(k.load, null);
  });
});
