import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { alive, planFrom } from '../support/scenario-text.ts';
import { redisServerMissing } from './realtime-support.ts';

const FANOUT = fileURLToPath(new URL('../../scenarios/realtime/fanout.yaml', import.meta.url));
const MULTI = fileURLToPath(new URL('../../scenarios/realtime/multi-instance.yaml', import.meta.url));
const run = (plan: Parameters<typeof runScenario>[0]) => runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });

/** A counter's or trend's count; a rate's passes and total. */
function metric(r: RunResult, name: string): { count: number; passes: number; total: number } {
  const m = (r.metrics as unknown as Record<string, { count?: number; passes?: number; total?: number }>)[name];
  if (!m) throw new Error(`no ${name} in the result`);
  return { count: m.count ?? NaN, passes: m.passes ?? NaN, total: m.total ?? NaN };
}

describe('ws driver against the realtime component', function () {
  this.timeout(120_000);

  it('holds subscribers, publishes at a rate, and sees every message at every subscriber of its room (one instance)', async () => {
    const plan = planFrom(`
name: ws-driver-one
thresholdProfile: none
warmup: 0s
components:
  rt: { component: realtime }
workloads:
  subs:
    executor: hold-connections
    connections: 40
    connectRate: 200/s
    holdFor: 4s
    ws: { target: rt, rooms: 4 }
  pub:
    executor: constant-arrival-rate
    startTime: 1s
    rate: 20/s
    duration: 2s
    preAllocatedVUs: 2
    maxVUs: 10
    ws: { target: rt, rooms: 4, publishers: 2, subscribe: false }
`);
    const r = await run(plan);
    assert.deepEqual(r.errors, []);
    const sent = metric(r, 'ws_msgs_sent').count;
    // 20/s for 2 s schedules 40; on a loaded machine one may find no free VU and be dropped (counted), never lost
    const dropped = r.workloads.find((w) => w.name === 'pub')!.droppedIterations;
    assert.equal(sent + dropped, 40, `20/s for 2 s: ${sent} sent + ${dropped} dropped`);
    assert.ok(sent >= 30, `only ${sent} of 40 published`);
    // 10 subscribers per room, each message goes to one room: one latency sample per delivery
    assert.equal(metric(r, 'message_latency').count, sent * 10);
    assert.equal(metric(r, 'ws_sessions').count, 42, '40 subscribers + 2 publishers');
    const delivery = metric(r, 'message_delivery');
    assert.equal(delivery.passes, delivery.total);
    assert.ok(delivery.total > 0);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });

  it('fanout.yaml (2 instances + Redis), time-scaled: every subscriber gets every message across instances', async function () {
    const missing = redisServerMissing();
    if (missing !== null) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    const loaded = scalePlanTime(await loadPlanOrThrow(FANOUT), 0.2);
    const r = await run(loaded);
    assert.deepEqual(r.errors, []);
    const delivery = metric(r, 'message_delivery');
    assert.equal(delivery.passes, delivery.total);
    assert.ok(delivery.total > 0);
    const conn = metric(r, 'connection_success');
    assert.equal(conn.passes, conn.total);
    assert.ok(conn.total >= 2_000);
    assert.deepEqual(r.resources.map((c) => c.component).sort(), ['redis', 'rt-a', 'rt-b']);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });

  it('multi-instance.yaml, time-scaled: killing an instance gives the fault a gap and a recovery from WebSocket failures alone', async function () {
    const missing = redisServerMissing();
    if (missing !== null) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    const r = await run(scalePlanTime(await loadPlanOrThrow(MULTI), 0.5));
    assert.deepEqual(r.errors, []);
    assert.equal(r.metrics['http_req_failed'], undefined, 'no HTTP in this run: the failures below are WebSocket ones');
    const [f] = r.faults!;
    assert.ok(f && f.injectedAt !== null, JSON.stringify(f));
    assert.ok(f.gap && f.gap.from >= f.injectedAt! && f.gap.to >= f.gap.from, `gap ${JSON.stringify(f.gap)}`);
    assert.ok(f.failedDuringFault > 0, 'refused reconnects and messages missed while reconnecting count');
    assert.ok(f.recoverySeconds !== null && f.recoverySeconds > 0, `recovery ${f.recoverySeconds}`);
    // the dropped subscribers came back and what they missed meanwhile is counted apart
    const connected = r.metrics['message_delivery{subscriber:connected}'];
    assert.ok(connected && connected.type === 'rate' && connected.total > 0);
    const conn = metric(r, 'connection_success');
    assert.ok(conn.total > 3_000, `${conn.total} attempts: the killed instance's clients reconnected`);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });
});
