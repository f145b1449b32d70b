import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Flag, FrameType, GoAwayCode } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { rawPeer } from './raw-peer.ts';
import { memoryPair, readAll, until } from './session-pair.ts';

describe('yamux GoAway', () => {
  it('after the peer sends GoAway(normal) no new stream opens, and open streams carry on', async () => {
    const pair = memoryPair({ enableKeepAlive: false });
    const accepted = pair.server.accept();
    const out = await pair.client.open();
    const inbound = await accepted;
    const goaway = once(pair.client, 'goaway');
    pair.server.goAway();
    assert.deepEqual(await goaway, [GoAwayCode.Normal]);
    assert.equal(pair.client.remoteGoAwayReceived, true);
    await assert.rejects(pair.client.open(), { code: 'YAMUX_ERR_REMOTE_GOAWAY' });
    out.end('still works');
    assert.equal((await readAll(inbound)).toString(), 'still works');
    inbound.end();
    await readAll(out);
    await pair.close();
  });

  it('after our own GoAway a peer SYN is answered with RST', async () => {
    const peer = rawPeer('server');
    peer.session.goAway();
    peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
    await until(() => peer.received.length === 2);
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags, f.streamId, f.length]), [
      [FrameType.GoAway, 0, 0, GoAwayCode.Normal],
      [FrameType.WindowUpdate, Flag.RST, 1, 0],
    ]);
    await peer.close();
  });

  it('close() sends GoAway(normal), ends the transport and reports a normal close', async () => {
    const peer = rawPeer('client');
    await peer.session.open();
    const closing = peer.session.close();
    await until(() => peer.ended());
    assert.deepEqual(peer.received.at(-1), { version: 0, type: FrameType.GoAway, flags: 0, streamId: 0, length: GoAwayCode.Normal, payload: Buffer.alloc(0) });
    await closing;
    assert.equal(await peer.session.closed, undefined);
    await assert.rejects(peer.session.open(), { code: 'YAMUX_ERR_SESSION_CLOSED' });
    await assert.rejects(peer.session.accept(), { code: 'YAMUX_ERR_SESSION_CLOSED' });
  });

  it('a GoAway(protocol error) or GoAway(internal error) from the peer closes the session with a typed reason', async () => {
    for (const [code, expected] of [
      [GoAwayCode.ProtocolError, 'YAMUX_ERR_REMOTE_PROTOCOL_ERROR'],
      [GoAwayCode.InternalError, 'YAMUX_ERR_REMOTE_INTERNAL_ERROR'],
      [7, 'YAMUX_ERR_REMOTE_GOAWAY_UNKNOWN'],
    ] as const) {
      const peer = rawPeer('server');
      peer.send(FrameType.GoAway, 0, 0, code);
      assert.equal((await peer.session.closed)?.code, expected);
      await peer.close();
    }
  });

  it('open streams learn of an abnormal session end through YAMUX_ERR_SESSION_CLOSED', async () => {
    const peer = rawPeer('client');
    const out = await peer.session.open();
    const failed = once(out, 'error');
    peer.send(FrameType.GoAway, 0, 0, GoAwayCode.InternalError);
    const [err] = (await failed) as [Error & { code: string; cause: { code: string } }];
    assert.equal(err.code, 'YAMUX_ERR_SESSION_CLOSED');
    assert.equal(err.cause.code, 'YAMUX_ERR_REMOTE_INTERNAL_ERROR');
    await peer.close();
  });
});
