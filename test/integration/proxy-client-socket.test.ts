import assert from 'node:assert/strict';
import { connect, createServer, Socket, type AddressInfo } from 'node:net';
import { adoptWithReadBuffer } from '../../reference-impl/proxy/client-socket.ts';

describe('adopting an accepted socket to read into a shared buffer', function () {
  this.timeout(10_000);

  it('reads into the buffer, writes back, and the server counts the connection until the adopted socket closes', async () => {
    const buffer = Buffer.allocUnsafeSlow(1024);
    const reads: Buffer[] = [];
    let adopted: Socket | null = null;
    const server = createServer({ pauseOnConnect: true }, (accepted) => {
      adopted = adoptWithReadBuffer(accepted, buffer, (d) => {
        assert.equal(d.buffer, buffer.buffer, 'a view of the shared buffer');
        reads.push(Buffer.from(d));
        adopted!.write(Buffer.from(d)); // a copy: the next read overwrites the view
        return true;
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const echoed = await new Promise<string>((resolve) => {
      let text = '';
      client.on('connect', () => client.write('hello'));
      client.on('data', (d) => { text += d.toString(); if (text === 'hello') resolve(text); });
    });
    assert.equal(echoed, 'hello');
    assert.ok(adopted !== null);
    assert.equal(Buffer.concat(reads).toString(), 'hello');
    let closed = false;
    const serverClosed = new Promise<void>((r) => server.close(() => { closed = true; r(); }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closed, false, 'server.close() waits for the adopted connection');
    client.destroy();
    await serverClosed;
  });

  it('keeps the buffer sizes the server gave the accepted socket', async () => {
    let sizes: number[] = [];
    const server = createServer({ pauseOnConnect: true, highWaterMark: 128 * 1024 } as object, (accepted) => {
      const want = [accepted.readableHighWaterMark, accepted.writableHighWaterMark];
      const adopted = adoptWithReadBuffer(accepted, Buffer.alloc(1024), () => true)!;
      sizes = [...want, adopted.readableHighWaterMark, adopted.writableHighWaterMark];
      adopted.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise<void>((r) => client.on('close', () => r()));
    await new Promise((r) => server.close(r));
    assert.deepEqual(sizes, [128 * 1024, 128 * 1024, 128 * 1024, 128 * 1024]);
  });

  it('says null for a socket without a stream handle, so the caller reads it as it is', () => {
    assert.equal(adoptWithReadBuffer(new Socket(), Buffer.alloc(16), () => true), null);
  });
});
