import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { memoryPair, readAll, settle, until } from './session-pair.ts';

const KiB = 1024;
const WINDOW = 256 * KiB;

describe('yamux stream backpressure', () => {
  it('a sender blocked at the window resumes only after the reader reads', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    const inbound = await accepted;
    let flushed = false;
    out.write(Buffer.alloc(1024 * KiB, 1), () => { flushed = true; });

    await until(() => out.sendWindowSize === 0 && inbound.readableLength === WINDOW);
    for (let i = 0; i < 20; i++) await settle(); // ample chances to (wrongly) move on
    assert.equal(inbound.readableLength, WINDOW, 'a non-reading consumer holds exactly one window');
    assert.equal(inbound.receiveWindowSize, 0);
    assert.equal(out.sendWindowSize, 0);
    assert.equal(flushed, false);

    // Reading less than half a window grants nothing back (Go's threshold).
    assert.ok(inbound.read(100 * KiB));
    for (let i = 0; i < 20; i++) await settle();
    assert.equal(out.sendWindowSize, 0);
    assert.equal(inbound.readableLength, WINDOW - 100 * KiB);

    // Past half a window the sender gets exactly what was read, and the buffer is a window again.
    assert.ok(inbound.read(30 * KiB));
    await until(() => inbound.readableLength === WINDOW);
    assert.equal(out.sendWindowSize, 0);
    assert.equal(flushed, false);

    inbound.resume();
    await until(() => flushed);
    await pair.close();
  });

  it('a paused pipe destination holds the sender without buffering more than one window', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    const inbound = await accepted;
    const data = Buffer.alloc(3 * 1024 * KiB);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
    out.end(data);

    let maxBuffered = 0;
    const received: Buffer[] = [];
    inbound.on('data', (chunk: Buffer) => {
      received.push(chunk);
      maxBuffered = Math.max(maxBuffered, inbound.readableLength + chunk.length);
      if (received.length % 3 === 0) {
        inbound.pause();
        setImmediate(() => inbound.resume());
      }
    });
    await new Promise((resolve) => inbound.on('end', resolve));
    assert.ok(maxBuffered <= WINDOW, `buffered ${maxBuffered}`);
    assert.equal(createHash('sha256').update(Buffer.concat(received)).digest('hex'), createHash('sha256').update(data).digest('hex'));
    inbound.end();
    await pair.close();
  });

  it('a larger maxStreamWindowSize is advertised on SYN and ACK and used in both directions', async () => {
    const big = 4 * 1024 * KiB;
    const pair = memoryPair({ enableKeepAlive: false, maxStreamWindowSize: big });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    const inbound = await accepted;
    await until(() => out.sendWindowSize === big && inbound.sendWindowSize === big);
    out.write(Buffer.alloc(3 * 1024 * KiB));
    await until(() => inbound.readableLength === 3 * 1024 * KiB);
    assert.equal(out.sendWindowSize, 1024 * KiB);
    out.end();
    inbound.end();
    await readAll(inbound);
    await pair.close();
  });
});
