import assert from 'node:assert/strict';
import { ReceiveWindow, SendWindow } from '../../../../../reference-impl/tunnel/yamux/flow-control.ts';

const KiB = 1024;

describe('yamux flow-control windows', () => {
  it('a send window starts at 256 KiB, is spent by data and refilled by updates', () => {
    const w = new SendWindow();
    assert.equal(w.size, 256 * KiB);
    w.consume(256 * KiB);
    assert.equal(w.size, 0);
    w.grant(100);
    assert.equal(w.size, 100);
  });

  it('a window update that would pass 2^32-1 is a protocol error', () => {
    const w = new SendWindow();
    assert.throws(() => w.grant(0xffff_ffff), { code: 'YAMUX_ERR_SEND_WINDOW_OVERFLOW' });
  });

  it('a receive window refuses more data than it has left', () => {
    const w = new ReceiveWindow(256 * KiB);
    w.receive(200 * KiB);
    assert.throws(() => w.receive(56 * KiB + 1), { code: 'YAMUX_ERR_RECV_WINDOW_EXCEEDED' });
  });

  it('reopens only by what was read, and only once that reaches half the maximum (as Go)', () => {
    const w = new ReceiveWindow(256 * KiB);
    w.receive(256 * KiB);
    assert.equal(w.takeUpdate(256 * KiB, false), 0, 'nothing read: no update');
    assert.equal(w.takeUpdate(129 * KiB, false), 0, '127 KiB read: below half');
    assert.equal(w.takeUpdate(128 * KiB, false), 128 * KiB, 'half read: update');
    assert.equal(w.size, 128 * KiB);
    assert.equal(w.takeUpdate(0, false), 128 * KiB);
    assert.equal(w.size, 256 * KiB);
  });

  it('a forced update (riding on SYN/ACK) advertises a larger maximum even with nothing read', () => {
    const w = new ReceiveWindow(1024 * KiB);
    assert.equal(w.takeUpdate(0, true), 768 * KiB);
    assert.equal(w.size, 1024 * KiB);
    assert.equal(w.takeUpdate(0, true), 0);
  });

  it('keeps window + unread bytes within the maximum whatever the order of events', () => {
    const w = new ReceiveWindow(256 * KiB);
    let unread = 0;
    for (let i = 0; i < 1000; i++) {
      const n = Math.min(w.size, (i * 7919) % (64 * KiB));
      w.receive(n);
      unread += n;
      unread -= Math.min(unread, (i * 104_729) % (48 * KiB));
      w.takeUpdate(unread, i % 13 === 0);
      assert.ok(w.size + unread <= 256 * KiB, `step ${i}`);
    }
  });
});
