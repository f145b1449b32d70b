import assert from 'node:assert/strict';
import type { RateHandle } from '../../../harness/metrics/recorder.ts';
import { wsDriverSchema } from '../../../harness/drivers/ws-schema.ts';
import { DeliveryTracker, wsUrls } from '../../../harness/drivers/ws.ts';
import { DroppedSubscribers } from '../../../harness/drivers/ws-delivery.ts';
import { planFrom } from '../../support/scenario-text.ts';

class Tally implements RateHandle {
  ok = 0;
  bad = 0;
  add(ok: boolean): void { if (ok) this.ok++; else this.bad++; }
}

describe('ws driver', () => {
  it('turns component endpoints and URLs into ws:// URLs with the path and token', () => {
    const endpoints = { rt: 'http://127.0.0.1:4001', sec: 'https://127.0.0.1:4002' };
    const config = wsDriverSchema.parse({ target: ['rt', 'sec', 'ws://127.0.0.1:5/custom', 'ws://127.0.0.1:6'], token: 'a b' });
    assert.deepEqual(wsUrls(config, endpoints), [
      'ws://127.0.0.1:4001/ws?token=a+b',
      'wss://127.0.0.1:4002/ws?token=a+b',
      'ws://127.0.0.1:5/custom?token=a+b',
      'ws://127.0.0.1:6/ws?token=a+b',
    ]);
    assert.throws(() => wsUrls(wsDriverSchema.parse({ target: 'nowhere' }), endpoints), /neither a component nor a ws:\/\/ URL/);
    assert.throws(() => wsUrls(wsDriverSchema.parse({ target: 'ftp://127.0.0.1:1' }), endpoints), /must be ws:\/\//);
  });

  it('fills defaults and rejects bad values', () => {
    const c = wsDriverSchema.parse({ target: 'rt' });
    assert.deepEqual({ ...c }, { target: 'rt', path: '/ws', token: 'caplab-dev', rooms: 1, subscribe: true, send: 'publish', payloadSize: 64, publishers: 4, timeout: 10_000, sourceAddresses: 1 });
    assert.equal(wsDriverSchema.safeParse({ target: 'rt', rooms: 0 }).success, false);
    assert.equal(wsDriverSchema.safeParse({ target: [] }).success, false);
    assert.equal(wsDriverSchema.safeParse({ target: 'rt', send: 'shout' }).success, false);
    assert.equal(wsDriverSchema.safeParse({ target: 'rt', timeout: '0s' }).success, false);
    assert.equal(wsDriverSchema.safeParse({ target: 'rt', extra: 1 }).success, false);
  });

  it('counts a gap in a publisher\'s sequence as that many messages not delivered; duplicates and late copies count nothing', () => {
    const t = new Tally();
    const d = new DeliveryTracker(t);
    d.received('p1', 5); // first seen: the subscriber joined mid-stream
    d.received('p1', 6);
    d.received('p1', 9); // 7 and 8 lost
    d.received('p1', 9); // duplicate
    d.received('p1', 8); // late
    d.received('p2', 1);
    assert.deepEqual({ ok: t.ok, bad: t.bad }, { ok: 4, bad: 2 });
  });

  it('a dropped subscriber back within the timeout keeps its baseline, so what it missed while away counts; later or never dropped starts afresh', () => {
    const t = new Tally();
    const away = new Tally();
    const dropped = new DroppedSubscribers(10_000);
    const before = new DeliveryTracker(t, away);
    before.received('p1', 1);
    before.received('p1', 2);
    dropped.dropped(7, before, 1_000);
    assert.equal(dropped.resume(8, 1_500), null, 'another VU never dropped');
    const again = dropped.resume(7, 1_500)!;
    assert.equal(again, before);
    again.received('p1', 6); // 3, 4 and 5 were published while VU 7 reconnected
    again.received('p1', 8); // 7 lost on the live connection
    assert.deepEqual({ ok: t.ok, bad: t.bad, awayBad: away.bad, awayOk: away.ok }, { ok: 4, bad: 1, awayBad: 3, awayOk: 0 });
    assert.equal(dropped.resume(7, 1_600), null, 'resumed once');
    dropped.dropped(7, again, 2_000);
    assert.equal(dropped.resume(7, 12_001), null, 'back after the timeout: a fresh subscriber');
  });

  it('a ws target naming no component is a validation error, at the field, for a single target or one of a list', () => {
    const doc = (target: string) => `name: t\ncomponents:\n  rt: { component: realtime }\nworkloads:\n  w:\n    executor: hold-connections\n    connections: 1\n    ws: { target: ${target} }\n`;
    assert.throws(() => planFrom(doc('nope')), /target "nope" is neither a component of this scenario nor a ws:\/\/ URL; components are: rt \(workloads\.w\.ws\.target\)/);
    assert.throws(() => planFrom(doc('[rt, other]')), /target "other" is neither/);
    assert.equal(planFrom(doc('[rt, "ws://127.0.0.1:9/ws"]')).workloads['w']!.ws!.target.length, 2);
  });
});
