import assert from 'node:assert/strict';
import { LocalBroker, type Broker, type BrokerEnvelope } from '../../../reference-impl/realtime/broker.ts';
import type { RoomMessage } from '../../../reference-impl/realtime/protocol.ts';
import { PublishBatcher } from '../../../reference-impl/realtime/publish-batcher.ts';

class RecordingBroker implements Broker {
  readonly published: BrokerEnvelope[] = [];
  connected = true;
  fail = false;
  async publish(e: BrokerEnvelope): Promise<void> {
    if (this.fail) throw new Error('down');
    this.published.push(e);
  }
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  async close(): Promise<void> {}
}

const msg = (room: string, n: number): RoomMessage => ({ room, payload: n, id: n, ts: 0 });

describe('PublishBatcher', () => {
  it('without a window, hands every message to the broker on its own', async () => {
    const broker = new RecordingBroker();
    let calls = 0;
    const b = new PublishBatcher(broker, 0, 100, () => { calls++; });
    await Promise.all([b.publish(msg('r', 1)), b.publish(msg('r', 2))]);
    assert.deepEqual(broker.published.map((e) => e.messages.length), [1, 1]);
    assert.equal(calls, 2);
  });

  it('with a window, sends one envelope per room in order, early once maxBatch is reached, and settles every publisher', async () => {
    const broker = new RecordingBroker();
    const b = new PublishBatcher(broker, 60_000, 3, () => {});
    const done = [msg('a', 1), msg('b', 2), msg('a', 3), msg('a', 4), msg('a', 5)].map((m) => b.publish(m));
    // room a reached 3 and went early; the rest waits for the window (flushed by hand here)
    assert.deepEqual(broker.published.map((e) => [e.room, e.messages.map((m) => (m as RoomMessage).payload)]), [['a', [1, 3, 4]]]);
    b.flush();
    await Promise.all(done);
    assert.deepEqual(broker.published.map((e) => [e.room, e.messages.map((m) => (m as RoomMessage).payload)]), [['a', [1, 3, 4]], ['b', [2]], ['a', [5]]]);
  });

  it('rejects every publisher of a batch the broker refused', async () => {
    const broker = new RecordingBroker();
    broker.fail = true;
    const b = new PublishBatcher(broker, 60_000, 10, () => {});
    const p = [b.publish(msg('r', 1)), b.publish(msg('r', 2))];
    b.flush();
    for (const x of p) await assert.rejects(x, /down/);
  });
});

describe('LocalBroker', () => {
  it('delivers only rooms it subscribed to, after the publish returned', async () => {
    const got: BrokerEnvelope[] = [];
    const broker = new LocalBroker((e) => got.push(e));
    await broker.subscribe('r');
    const published = broker.publish({ room: 'r', messages: [1] });
    assert.equal(got.length, 0, 'not synchronously');
    await published;
    await broker.publish({ room: 'other', messages: [2] });
    await Promise.resolve();
    assert.deepEqual(got, [{ room: 'r', messages: [1] }]);
    await broker.unsubscribe('r');
    await broker.publish({ room: 'r', messages: [3] });
    await Promise.resolve();
    assert.equal(got.length, 1);
  });
});
