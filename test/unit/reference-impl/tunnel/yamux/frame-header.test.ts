import assert from 'node:assert/strict';
import { decodeHeader, encodeHeader, Flag, FrameType, GoAwayCode, HEADER_SIZE, INITIAL_STREAM_WINDOW } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';

describe('yamux frame header', () => {
  it('encodes the 12 bytes big-endian in the order version, type, flags, stream id, length', () => {
    const bytes = encodeHeader(FrameType.WindowUpdate, Flag.SYN | Flag.ACK, 0x01020304, 0x0a0b0c0d);
    assert.equal(bytes.length, HEADER_SIZE);
    assert.deepEqual([...bytes], [0, 1, 0, 3, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d]);
  });

  it('round-trips every type, every flag combination and the extreme ids and lengths', () => {
    for (const type of Object.values(FrameType)) {
      for (let flags = 0; flags <= 0xf; flags++) {
        for (const [streamId, length] of [[0, 0], [1, INITIAL_STREAM_WINDOW], [0xffff_ffff, 0xffff_ffff]] as const) {
          assert.deepEqual(decodeHeader(encodeHeader(type, flags, streamId, length)), { version: 0, type, flags, streamId, length });
        }
      }
    }
  });

  it('encodes into a given buffer at an offset and decodes from one', () => {
    const target = Buffer.alloc(20, 0xff);
    encodeHeader(FrameType.GoAway, 0, 0, GoAwayCode.ProtocolError, target, 5);
    assert.deepEqual(decodeHeader(target, 5), { version: 0, type: 3, flags: 0, streamId: 0, length: 1 });
    assert.equal(target[4], 0xff);
    assert.equal(target[17], 0xff);
  });

  it('uses the wire constants of hashicorp/yamux', () => {
    assert.deepEqual(FrameType, { Data: 0, WindowUpdate: 1, Ping: 2, GoAway: 3 });
    assert.deepEqual(Flag, { SYN: 1, ACK: 2, FIN: 4, RST: 8 });
    assert.deepEqual(GoAwayCode, { Normal: 0, ProtocolError: 1, InternalError: 2 });
    assert.equal(INITIAL_STREAM_WINDOW, 262_144);
  });
});
