import assert from 'node:assert/strict';
import type { YamuxErrorCode } from '../../../../../reference-impl/tunnel/yamux/errors.ts';
import { Flag, FrameType, GoAwayCode } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { frameBytes, rawPeer } from './raw-peer.ts';

const { Data, WindowUpdate, Ping } = FrameType;
const { SYN, FIN } = Flag;

/** Bad input from a client peer to a server session, and the error it must cause. */
const CASES: Array<[string, Buffer[], YamuxErrorCode]> = [
  ['an unknown protocol version', [Buffer.from([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0])], 'YAMUX_ERR_INVALID_VERSION'],
  ['an unknown frame type', [Buffer.from([0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])], 'YAMUX_ERR_INVALID_MSG_TYPE'],
  ['a data length over the largest window (no payload needed)', [frameBytes(Data, 0, 1, 0xffff_ffff)], 'YAMUX_ERR_FRAME_TOO_LARGE'],
  ['a data frame for a stream never opened', [frameBytes(Data, 0, 5, 3, Buffer.from('abc'))], 'YAMUX_ERR_UNKNOWN_STREAM'],
  ['a window update for a stream we never opened', [frameBytes(WindowUpdate, 0, 2, 10)], 'YAMUX_ERR_UNKNOWN_STREAM'],
  ['data beyond the receive window', [frameBytes(Data, SYN, 1, 200_000, Buffer.alloc(200_000)), frameBytes(Data, 0, 1, 70_000, Buffer.alloc(70_000))], 'YAMUX_ERR_RECV_WINDOW_EXCEEDED'],
  ['a window update past 2^32-1', [frameBytes(WindowUpdate, SYN, 1, 0xffff_ffff)], 'YAMUX_ERR_SEND_WINDOW_OVERFLOW'],
  ['a SYN for a stream already open', [frameBytes(WindowUpdate, SYN, 1, 0), frameBytes(WindowUpdate, SYN, 1, 0)], 'YAMUX_ERR_DUPLICATE_STREAM'],
  ['a SYN with an id of the receiver’s parity', [frameBytes(WindowUpdate, SYN, 2, 0)], 'YAMUX_ERR_INVALID_STREAM_ID'],
  ['a stream frame on id 0', [frameBytes(Data, 0, 0, 1, Buffer.from('x'))], 'YAMUX_ERR_INVALID_STREAM_ID'],
  ['a ping on a stream id', [frameBytes(Ping, SYN, 7, 1)], 'YAMUX_ERR_INVALID_STREAM_ID'],
  ['a second FIN', [frameBytes(WindowUpdate, SYN | FIN, 1, 0), frameBytes(WindowUpdate, FIN, 1, 0)], 'YAMUX_ERR_UNEXPECTED_FLAG'],
  ['data after FIN', [frameBytes(WindowUpdate, SYN | FIN, 1, 0), frameBytes(Data, 0, 1, 1, Buffer.from('x'))], 'YAMUX_ERR_DATA_AFTER_FIN'],
];

describe('yamux protocol errors from the peer', () => {
  for (const [what, input, code] of CASES) {
    it(`${what} -> GoAway(protocol error), session closed with ${code}`, async () => {
      const peer = rawPeer('server');
      peer.sendBytes(Buffer.concat(input));
      const reason = await peer.session.closed;
      assert.equal(reason?.code, code);
      assert.equal(reason?.kind, 'protocol');
      assert.deepEqual(peer.received.at(-1), { version: 0, type: FrameType.GoAway, flags: 0, streamId: 0, length: GoAwayCode.ProtocolError, payload: Buffer.alloc(0) });
      assert.equal(peer.ended(), true, 'transport ended after the GoAway');
      await peer.close();
    });
  }

  it('any input split at any byte gives the same verdict', async () => {
    const bytes = Buffer.concat([frameBytes(WindowUpdate, SYN, 1, 0), frameBytes(Data, 0, 1, 5, Buffer.from('hello')), frameBytes(Data, 0, 9, 1, Buffer.from('x'))]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const peer = rawPeer('server');
      peer.sendBytes(bytes.subarray(0, cut));
      peer.sendBytes(bytes.subarray(cut));
      assert.equal((await peer.session.closed)?.code, 'YAMUX_ERR_UNKNOWN_STREAM', `cut at ${cut}`);
      await peer.close();
    }
  });
});
