import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { RawUpstreamPool, type Waiter } from '../../reference-impl/proxy/raw-upstream-pool.ts';
import { SweepClock } from '../../reference-impl/proxy/sweep-clock.ts';
import type { UpstreamConnection } from '../../reference-impl/proxy/upstream-connection.ts';

/** A waiter that records what the pool gave it; a gone one hands a connection straight back, as an exchange whose client left does. */
function waiter(gone = false, pool?: RawUpstreamPool): Waiter & { got: Array<UpstreamConnection | Error> } {
  const got: Array<UpstreamConnection | Error> = [];
  return { got, gone, acquired: (c) => { got.push(c); if (gone && !(c instanceof Error)) pool!.release(c, true); } };
}

describe('raw upstream pool (fast path)', function () {
  this.timeout(10_000);
  let server: Server;
  let accepted = 0;
  let origin: string;
  // a clock whose sweep never runs during a test: what is checked is acquire() itself
  const clock = new SweepClock(3_600_000);

  before(async () => {
    server = createServer((s) => { accepted++; s.on('error', () => {}); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => { clock.stop(); await new Promise((r) => server.close(r)); });

  /** Waits for `what`, at most 5 s (then fails, so a broken pool cannot keep the test process alive). */
  const until = async (what: () => boolean): Promise<void> => {
    const end = performance.now() + 5_000;
    while (!what()) {
      if (performance.now() > end) throw new Error('not within 5 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('does not hand out a connection idle past keepAliveTimeout, even before a sweep closes it', async () => {
    const pool = new RawUpstreamPool(origin, { connections: 4, keepAliveTimeout: 100, connectTimeout: 1_000, readBuffer: Buffer.alloc(1024) }, clock);
    const first = waiter();
    pool.acquire(first);
    await until(() => first.got.length === 1);
    const c = first.got[0] as UpstreamConnection;
    pool.release(c, true);
    const again = waiter();
    pool.acquire(again);
    assert.equal(again.got[0], c, 'reused while fresh');
    pool.release(c, true);
    await new Promise((r) => setTimeout(r, 120));
    const later = waiter();
    const before = accepted;
    pool.acquire(later);
    await until(() => later.got.length === 1);
    assert.notEqual(later.got[0], c);
    assert.ok(c.socket.destroyed, 'the stale one is closed');
    await until(() => accepted === before + 1);
    pool.close();
    (later.got[0] as UpstreamConnection).socket.destroy();
  });

  it('tells any number of waiters whose client left, in a loop, and gives the connection to the first that still wants it', async () => {
    const pool = new RawUpstreamPool(origin, { connections: 1, keepAliveTimeout: 0, connectTimeout: 1_000, readBuffer: Buffer.alloc(1024) }, clock);
    const holder = waiter();
    pool.acquire(holder);
    await until(() => holder.got.length === 1);
    const gone = Array.from({ length: 20_000 }, () => waiter(true, pool));
    for (const w of gone) pool.acquire(w);
    const live = waiter();
    pool.acquire(live);
    pool.release(holder.got[0] as UpstreamConnection, true); // recursing once per gone waiter overflowed the stack at ~4,700
    assert.equal(live.got[0], holder.got[0]);
    assert.ok(gone.every((w) => w.got.length === 1 && w.got[0] instanceof Error && /client went away/.test((w.got[0] as Error).message)));
    pool.close();
    (live.got[0] as UpstreamConnection).socket.destroy();
  });
});
