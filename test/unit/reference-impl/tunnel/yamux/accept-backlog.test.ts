import assert from 'node:assert/strict';
import { Flag, FrameType } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { rawPeer } from './raw-peer.ts';
import { settle, until } from './session-pair.ts';

const flagsOf = (peer: ReturnType<typeof rawPeer>, id: number): number[] => peer.received.filter((f) => f.streamId === id).map((f) => f.flags);

describe('yamux accept backlog', () => {
  it('RSTs a new stream beyond acceptBacklog un-accepted ones, as Go does', async () => {
    const peer = rawPeer('server', { acceptBacklog: 2 });
    for (const id of [1, 3, 5]) peer.send(FrameType.WindowUpdate, Flag.SYN, id, 0);
    await until(() => peer.received.length === 1);
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags, f.streamId]), [[FrameType.WindowUpdate, Flag.RST, 5]]);
    assert.equal(peer.session.numStreams, 2);

    // accepting frees a place: the next SYN is queued, not refused
    assert.equal((await peer.session.accept()).id, 1);
    peer.send(FrameType.WindowUpdate, Flag.SYN, 7, 0);
    assert.equal((await peer.session.accept()).id, 3);
    assert.equal((await peer.session.accept()).id, 7);
    await until(() => flagsOf(peer, 7).length > 0);
    assert.deepEqual(flagsOf(peer, 7), [Flag.ACK]);
    await peer.close();
  });

  it('accepts SYNs whose ids arrive out of order (Go opens from several goroutines at once)', async () => {
    const peer = rawPeer('server');
    for (const id of [5, 1, 3]) peer.send(FrameType.WindowUpdate, Flag.SYN, id, 0);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await peer.session.accept()).id);
    assert.deepEqual(ids, [5, 1, 3]);
    await peer.close();
  });

  it('ACKs a stream the moment it is accepted, before the application writes anything', async () => {
    const peer = rawPeer('server');
    peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
    await settle();
    assert.deepEqual(flagsOf(peer, 1), [], 'not accepted yet: no ACK');
    await peer.session.accept();
    await until(() => peer.received.length === 1);
    assert.deepEqual(peer.received.map((f) => [f.type, f.flags, f.streamId, f.length]), [[FrameType.WindowUpdate, Flag.ACK, 1, 0]]);
    await peer.close();
  });

  it('drops a waiting stream from the backlog when the peer resets it before accept', async () => {
    const peer = rawPeer('server', { acceptBacklog: 1 });
    peer.send(FrameType.WindowUpdate, Flag.SYN, 1, 0);
    peer.send(FrameType.WindowUpdate, Flag.RST, 1, 0);
    peer.send(FrameType.WindowUpdate, Flag.SYN, 3, 0);
    await until(() => peer.session.numStreams === 1);
    assert.equal((await peer.session.accept()).id, 3);
    assert.deepEqual(flagsOf(peer, 1), []);
    await peer.close();
  });

  it('our own opens wait while acceptBacklog of them are un-ACKed', async () => {
    const peer = rawPeer('client', { acceptBacklog: 2 });
    const first = await peer.session.open();
    await peer.session.open();
    let third = false;
    const opening = peer.session.open().then((s) => { third = true; return s; });
    for (let i = 0; i < 10; i++) await settle();
    assert.equal(third, false);
    peer.send(FrameType.WindowUpdate, Flag.ACK, first.id, 0);
    assert.equal((await opening).id, 5);
    await peer.close();
  });

  it('an open never ACKed within streamOpenTimeoutMs closes the session, as Go does', async () => {
    const peer = rawPeer('client', { streamOpenTimeoutMs: 20 });
    const out = await peer.session.open();
    out.on('error', () => {}); // the stream fails with YAMUX_ERR_SESSION_CLOSED; the reason is on the session
    const reason = await peer.session.closed;
    assert.equal(reason?.code, 'YAMUX_ERR_STREAM_OPEN_TIMEOUT');
    await peer.close();
  });
});
