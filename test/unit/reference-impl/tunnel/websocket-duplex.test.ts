import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocketDuplex } from '../../../../reference-impl/tunnel/websocket-duplex.ts';
import { YamuxSession } from '../../../../reference-impl/tunnel/yamux/index.ts';
import { until, wsPair, type WsPair } from './ws-pair.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('tunnel WebSocket-as-duplex adapter', () => {
  let pair: WsPair;
  beforeEach(async () => { pair = await wsPair(); });
  afterEach(async () => { await pair.close(); });

  it('carries bytes both ways intact, whatever the write sizes, coalescing small writes into few messages', async () => {
    const a = new WebSocketDuplex(pair.client);
    const b = new WebSocketDuplex(pair.server);
    for (const [from, to, ws] of [[a, b, pair.server], [b, a, pair.client]] as const) {
      const data = randomBytes(3 * 1024 * 1024);
      const received: Buffer[] = [];
      const onData = (c: Buffer) => received.push(c);
      to.on('data', onData);
      let messages = 0;
      const onMessage = () => messages++;
      ws.on('message', onMessage);
      const before = to.bytesIn;
      from.cork();
      for (let i = 0; i < 1000; i++) from.write(data.subarray(i * 12, i * 12 + 12)); // 1000 yamux-header-sized writes in one tick
      from.uncork();
      from.write(data.subarray(12_000));
      await until(() => to.bytesIn - before === data.length);
      assert.equal(sha(Buffer.concat(received)), sha(data));
      assert.ok(messages < 100, `${messages} messages for 1001 writes`);
      to.off('data', onData);
      ws.off('message', onMessage);
    }
  });

  it('stops accepting writes while the peer does not read, and delivers everything once it does', async () => {
    const sender = new WebSocketDuplex(pair.client, { highWaterMark: 256 * 1024 });
    const receiver = new WebSocketDuplex(pair.server);
    receiver.pause();
    const total = 64 * 1024 * 1024;
    const chunk = randomBytes(64 * 1024);
    let written = 0;
    let waitingForDrain = false;
    const writing = (async () => {
      while (written < total) {
        written += chunk.length;
        if (!sender.write(chunk)) {
          waitingForDrain = true;
          await once(sender, 'drain');
          waitingForDrain = false;
        }
      }
      sender.end();
    })();
    // backpressure has reached the writer while the reader holds its data: the socket is paused, the writer waits
    await until(() => waitingForDrain && pair.server.isPaused);
    assert.ok(written < total / 2, `${written} of ${total} bytes written before the writer had to wait`);
    assert.ok(sender.writableLength <= 256 * 1024, `duplex buffer ${sender.writableLength}`);
    const hash = createHash('sha256');
    let got = 0;
    receiver.on('data', (c: Buffer) => { hash.update(c); got += c.length; });
    receiver.resume();
    await writing;
    await once(receiver, 'end');
    assert.equal(got, total);
  });

  it('ending one side ends and closes both; the peer reads what was sent first', async () => {
    const a = new WebSocketDuplex(pair.client);
    const b = new WebSocketDuplex(pair.server);
    const chunks: Buffer[] = [];
    b.on('data', (c: Buffer) => chunks.push(c));
    a.resume(); // a duplex nobody reads never emits 'end' (the yamux session always reads)
    a.end(Buffer.from('last words'));
    await Promise.all([once(a, 'close'), once(b, 'close')]);
    assert.equal(Buffer.concat(chunks).toString(), 'last words');
    assert.equal(b.readableEnded, true);
  });

  it('a text message is a protocol violation: the duplex is destroyed with an error', async () => {
    const b = new WebSocketDuplex(pair.server);
    pair.client.send('hello');
    const [err] = (await once(b, 'error')) as [Error];
    assert.match(err.message, /text message/);
  });

  it('carries a yamux session: 8 streams x 1 MiB echoed intact', async () => {
    const client = YamuxSession.client(new WebSocketDuplex(pair.client), { enableKeepAlive: false });
    const server = YamuxSession.server(new WebSocketDuplex(pair.server), { enableKeepAlive: false });
    void (async () => { for await (const s of server) s.pipe(s); })();
    await Promise.all(Array.from({ length: 8 }, async () => {
      const data = randomBytes(1024 * 1024);
      const stream = await client.open();
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.end(data);
      await once(stream, 'end');
      assert.equal(sha(Buffer.concat(parts)), sha(data));
    }));
    await Promise.all([client.close(), server.close()]);
  });
});
