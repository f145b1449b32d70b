import assert from 'node:assert/strict';
import { Flag, FrameType } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { rawPeer } from './raw-peer.ts';
import { memoryPair, until } from './session-pair.ts';

describe('yamux ping and keepalive', () => {
  it('measures a round-trip time in both directions', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const [fromClient, fromServer] = await Promise.all([pair.client.ping(), pair.server.ping()]);
    for (const rtt of [fromClient, fromServer]) assert.ok(Number.isFinite(rtt) && rtt >= 0, `rtt ${rtt}`);
    await pair.close();
  });

  it('answers a ping request with an ACK carrying the same opaque value', async () => {
    const peer = rawPeer('server');
    peer.send(FrameType.Ping, Flag.SYN, 0, 0xdeadbeef);
    await until(() => peer.received.length === 1);
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags, f.streamId, f.length]), [[FrameType.Ping, Flag.ACK, 0, 0xdeadbeef]]);
    await peer.close();
  });

  it('sends its own pings with SYN and distinct values, and matches the replies', async () => {
    const peer = rawPeer('client');
    const pings = [peer.session.ping(), peer.session.ping()];
    await until(() => peer.received.length === 2);
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags]), [[FrameType.Ping, Flag.SYN], [FrameType.Ping, Flag.SYN]]);
    assert.notEqual(peer.received[0]!.length, peer.received[1]!.length);
    for (const f of [...peer.received].reverse()) peer.send(FrameType.Ping, Flag.ACK, 0, f.length);
    await Promise.all(pings);
    await peer.close();
  });

  it('a ping with no reply fails with YAMUX_ERR_PING_TIMEOUT and leaves the session open', async () => {
    const peer = rawPeer('client', { connectionWriteTimeoutMs: 20 });
    await assert.rejects(peer.session.ping(), { code: 'YAMUX_ERR_PING_TIMEOUT' });
    assert.equal(peer.session.isClosed, false);
    await peer.close();
  });

  it('keepalive pings at the configured interval and closes the session when one goes unanswered', async () => {
    const peer = rawPeer('client', { enableKeepAlive: true, keepAliveIntervalMs: 5, connectionWriteTimeoutMs: 30 });
    const reason = await peer.session.closed;
    assert.equal(reason?.code, 'YAMUX_ERR_KEEPALIVE_TIMEOUT');
    assert.ok(peer.received.some((f) => f.type === FrameType.Ping && f.flags === Flag.SYN));
    await peer.close();
  });

  it('keepalive keeps going while the peer answers', async () => {
    const pair = memoryPair({ keepAliveIntervalMs: 2 });
    let answered = 0;
    const original = pair.client.ping.bind(pair.client);
    pair.client.ping = () => original().then((rtt) => { answered++; return rtt; });
    await until(() => answered >= 3, 100_000);
    assert.equal(pair.client.isClosed, false);
    await pair.close();
  });
});
