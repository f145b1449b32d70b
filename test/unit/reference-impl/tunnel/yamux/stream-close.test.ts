import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { YamuxError } from '../../../../../reference-impl/tunnel/yamux/errors.ts';
import { Flag, FrameType } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { rawPeer } from './raw-peer.ts';
import { memoryPair, readAll, until } from './session-pair.ts';

describe('yamux stream half-close and reset', () => {
  it('end() sends FIN: the peer reads to the end and can still answer on its half', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    out.end('request');
    const inbound = await accepted;
    assert.equal((await readAll(inbound)).toString(), 'request');
    assert.equal(pair.server.numStreams, 1, 'half-closed: still tracked');
    inbound.end('response');
    assert.equal((await readAll(out)).toString(), 'response');
    await until(() => pair.client.numStreams === 0 && pair.server.numStreams === 0);
    await until(() => out.destroyed && inbound.destroyed);
    await pair.close();
  });

  it('forgets a stream id once both sides have sent FIN, on both sessions', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    const inbound = await accepted;
    out.end();
    inbound.end();
    await Promise.all([readAll(out), readAll(inbound)]);
    await until(() => pair.client.numStreams === 0 && pair.server.numStreams === 0);
    await pair.close();
  });

  it('destroy() before both FINs sends RST: the peer stream fails with YAMUX_ERR_STREAM_RESET', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    out.write('partial');
    const inbound = await accepted;
    const failed = once(inbound, 'error') as Promise<[YamuxError]>;
    out.destroy();
    const [err] = await failed;
    assert.equal(err.code, 'YAMUX_ERR_STREAM_RESET');
    await until(() => pair.client.numStreams === 0 && pair.server.numStreams === 0);
    await pair.close();
  });

  it('FIN and RST ride on data frames too, and combine with other flags', async () => {
    const peer = rawPeer('server');
    const accepted = peer.session.accept();
    peer.send(FrameType.Data, Flag.SYN | Flag.FIN, 1, 5, Buffer.from('hello'));
    const inbound = await accepted;
    assert.equal((await readAll(inbound)).toString(), 'hello');
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags, f.streamId]), [[FrameType.WindowUpdate, Flag.ACK, 1]]);

    const second = peer.session.accept();
    peer.send(FrameType.Data, Flag.SYN, 3, 3, Buffer.from('abc'));
    const s3 = await second;
    const failed = once(s3, 'error') as Promise<[YamuxError]>;
    peer.send(FrameType.Data, Flag.RST, 3, 0);
    assert.equal((await failed)[0].code, 'YAMUX_ERR_STREAM_RESET');
    await peer.close();
  });

  it('a frame still in flight for a stream already reset is dropped, not a protocol error', async () => {
    const peer = rawPeer('server');
    const accepted = peer.session.accept();
    peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
    (await accepted).destroy();
    await until(() => peer.received.some((f) => f.flags & Flag.RST));
    peer.send(FrameType.Data, 0, 1, 4, Buffer.from('late'));
    peer.send(FrameType.WindowUpdate, Flag.FIN, 1, 0);
    const ping = peer.session.ping();
    await until(() => peer.received.some((f) => f.type === FrameType.Ping));
    peer.send(FrameType.Ping, Flag.ACK, 0, peer.received.find((f) => f.type === FrameType.Ping)!.length);
    await ping;
    assert.equal(peer.session.isClosed, false);
    await peer.close();
  });

  it('a stream whose peer never answers our FIN is reset after streamCloseTimeoutMs', async () => {
    const peer = rawPeer('client', { streamCloseTimeoutMs: 20 });
    const out = await peer.session.open();
    peer.send(FrameType.WindowUpdate, Flag.ACK, out.id, 0);
    const failed = once(out, 'error') as Promise<[YamuxError]>;
    out.end();
    assert.equal((await failed)[0].code, 'YAMUX_ERR_STREAM_CLOSE_TIMEOUT');
    assert.deepEqual(peer.received.slice(-2).map((f) => f.flags), [Flag.FIN, Flag.RST]);
    await peer.close();
  });
});
