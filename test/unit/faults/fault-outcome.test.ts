import assert from 'node:assert/strict';
import { concludeFaults, failureSeries, faultWindow, type FailureSecond } from '../../../harness/faults/fault-outcome.ts';
import type { FaultDraft } from '../../../harness/faults/fault-scheduler.ts';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import type { Fault } from '../../../harness/plan/fault-schema.ts';

/** 100 requests a second for `seconds` seconds, with failures at the given seconds. */
function seconds(n: number, failures: Record<number, number> = {}, total = 100): FailureSecond[] {
  return Array.from({ length: n }, (_, i) => ({ t: i + 1, failed: failures[i + 1] ?? 0, total }));
}

describe('fault gap and recovery from the per-second failure series', () => {
  it('a clean recovery: the gap spans the failing seconds, recovery ends with the last bad second', () => {
    // injected at 10.2 s; seconds ending 11..13 fail, 14 onwards are clean
    const w = faultWindow(seconds(20, { 11: 40, 12: 100, 13: 5 }), 10.2);
    assert.deepEqual(w.gap, { from: 10.2, to: 13 });
    assert.equal(w.failedDuringFault, 145);
    assert.ok(Math.abs(w.recoverySeconds! - 2.8) < 1e-9);
  });

  it('a trickle under the Good bound after the gap neither extends the gap nor delays recovery', () => {
    // 1 failure in 2000 is 0.05%, under Good's 0.1%
    const pts = seconds(20, { 12: 50 }).map((p) => (p.t === 16 ? { ...p, failed: 1, total: 2000 } : p));
    const w = faultWindow(pts, 10.5);
    assert.deepEqual(w.gap, { from: 11, to: 12 });
    assert.equal(w.failedDuringFault, 50);
    assert.equal(w.recoverySeconds, 1.5);
  });

  it('never recovers when the last second with requests still fails: recovery is null, failures run to the end', () => {
    const w = faultWindow(seconds(15, { 11: 100, 12: 100, 13: 100, 14: 100, 15: 100 }), 10);
    assert.equal(w.recoverySeconds, null);
    assert.deepEqual(w.gap, { from: 10, to: 15 });
    assert.equal(w.failedDuringFault, 500);
  });

  it('seconds without requests judge nothing: a silent tail after the failures is not a recovery', () => {
    const pts = [...seconds(12, { 11: 100, 12: 100 }), { t: 13, failed: 0, total: 0 }, { t: 14, failed: 0, total: 0 }];
    assert.equal(faultWindow(pts, 10).recoverySeconds, null);
  });

  it('no failures at all after the fault: no gap, nothing failed, recovered at once', () => {
    assert.deepEqual(faultWindow(seconds(20, { 3: 50 }), 10), { gap: null, failedDuringFault: 0, recoverySeconds: 0 });
  });

  it('sums http and tcp failure series by window', () => {
    const pts = failureSeries({
      http_req_failed: [{ t: 1, count: 10, passes: 1 }, { t: 2, count: 10, passes: 0 }],
      tcp_transfer_failed: [{ t: 2, count: 5, passes: 5 }],
      http_reqs: [{ t: 1, count: 999 }],
    });
    assert.deepEqual(pts, [{ t: 1, failed: 1, total: 10 }, { t: 2, failed: 5, total: 15 }]);
  });

  it('counts WebSocket failures: failed connection attempts and undelivered messages (the misses of success rates)', () => {
    const pts = failureSeries({
      connection_success: [{ t: 1, count: 100, passes: 100 }, { t: 2, count: 40, passes: 37 }],
      message_delivery: [{ t: 1, count: 500, passes: 500 }, { t: 2, count: 480, passes: 450 }, { t: 3, count: 500, passes: 500 }],
      http_req_failed: [{ t: 2, count: 10, passes: 2 }],
    });
    assert.deepEqual(pts, [{ t: 1, failed: 0, total: 600 }, { t: 2, failed: 3 + 30 + 2, total: 530 }, { t: 3, failed: 0, total: 500 }]);
    // a WebSocket-only run now has a gap and a recovery
    const w = faultWindow(failureSeries({
      connection_success: [1, 2, 3, 4, 5].map((t) => ({ t, count: 50, passes: t === 3 ? 45 : 50 })),
      message_delivery: [1, 2, 3, 4, 5].map((t) => ({ t, count: 400, passes: t === 3 || t === 4 ? 380 : 400 })),
    }), 2.4);
    assert.deepEqual(w, { gap: { from: 2.4, to: 4 }, failedDuringFault: 5 + 20 + 20, recoverySeconds: 4 - 2.4 });
  });
});

describe('concluding faults into records and metrics', () => {
  const restart: Fault = { at: 2000, action: 'restart', component: 'tunnel', replica: 0, downFor: 500, graceful: false, duration: 0, latency: 0, observe: [{ metric: 'tunnel_agents_connected', path: '/metrics', as: 'agents' }] };

  function aggregateWith(failures: Record<number, number>, n = 8): MetricsAggregate {
    const agg = new MetricsAggregate();
    const reg = new MetricsRegistry();
    for (let t = 1; t <= n; t++) {
      for (let i = 0; i < 100; i++) reg.rate('http_req_failed').add(i < (failures[t] ?? 0));
      agg.ingest(reg.drain());
      agg.closeWindow(t);
    }
    return agg;
  }

  it('fills each record faithfully and records fault_recovery, fault_recovered and fault_observed_recovery', () => {
    const agg = aggregateWith({ 3: 30, 4: 10 });
    const draft: FaultDraft = { fault: restart, injectedAt: 2.1, componentBackAt: 3.4, observations: { agentsBefore: 20, agentsBack: 20, agentsBackSeconds: 1.2 }, notBack: [] };
    const [r] = concludeFaults([draft], agg);
    assert.deepEqual(r, {
      action: 'restart', component: 'tunnel', replica: 0, at: 2, injectedAt: 2.1, componentBackAt: 3.4,
      observations: { agentsBefore: 20, agentsBack: 20, agentsBackSeconds: 1.2 },
      gap: { from: 2.1, to: 4 }, failedDuringFault: 40, recoverySeconds: 4 - 2.1,
    });
    const rec = agg.summary('fault_recovery');
    assert.ok(rec?.type === 'trend' && Math.abs(rec.max - 1900) < 2, JSON.stringify(rec));
    assert.deepEqual(agg.summary('fault_recovered'), { type: 'rate', rate: 1, passes: 1, total: 1 });
    const obs = agg.summary('fault_observed_recovery', { observation: 'agents' });
    assert.ok(obs?.type === 'trend' && Math.abs(obs.max - 1200) < 2);
  });

  it('a fault whose gauge never came back is not recovered, and one never injected records nothing', () => {
    const agg = aggregateWith({ 3: 30 });
    const notBack: FaultDraft = { fault: restart, injectedAt: 2.1, componentBackAt: 3, observations: { agentsBefore: 20, agentsBack: 12 }, notBack: ['agents'] };
    const never: FaultDraft = { fault: { ...restart, at: 7000 }, injectedAt: null, componentBackAt: null, observations: {}, notBack: [], error: 'not injected: the run stopped at 5.0 s, before the fault was due' };
    const [a, b] = concludeFaults([notBack, never], agg);
    assert.equal(a!.recoverySeconds, 3 - 2.1);
    assert.equal(b!.injectedAt, null);
    assert.equal(b!.recoverySeconds, null);
    assert.match(b!.error!, /not injected/);
    assert.deepEqual(agg.summary('fault_recovered'), { type: 'rate', rate: 0, passes: 0, total: 1 });
    assert.equal(agg.summary('fault_observed_recovery'), null);
  });
});
