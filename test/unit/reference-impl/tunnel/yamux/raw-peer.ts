/**
 * A hand-driven peer: a yamux session on one side of an in-memory pair, raw frames on the other.
 * The test writes arbitrary bytes and sees every frame the session sends back, decoded.
 */
import { duplexPair, type Duplex } from 'node:stream';
import type { YamuxConfig } from '../../../../../reference-impl/tunnel/yamux/config.ts';
import { encodeHeader, FrameType, HEADER_SIZE, type FrameHeader } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { FrameReader } from '../../../../../reference-impl/tunnel/yamux/frame-reader.ts';
import { YamuxSession, type SessionRole } from '../../../../../reference-impl/tunnel/yamux/session.ts';

export interface RawPeer {
  session: YamuxSession;
  /** The peer's end of the transport. */
  wire: Duplex;
  /** Frames the session sent, in order (Data payloads concatenated). */
  received: Array<FrameHeader & { payload: Buffer }>;
  /** True once the session ended its side of the transport. */
  ended(): boolean;
  /** Write one frame (payload only for Data). */
  send(type: number, flags: number, streamId: number, length: number, payload?: Buffer): void;
  /** Write raw bytes. */
  sendBytes(bytes: Buffer): void;
  /** End and tear down the wire, then wait for the session to close. */
  close(): Promise<void>;
}

/** Builds a header (and payload) as bytes. */
export function frameBytes(type: number, flags: number, streamId: number, length: number, payload?: Buffer): Buffer {
  const header = encodeHeader(type, flags, streamId, length);
  return payload ? Buffer.concat([header, payload]) : header;
}

/** A session of `role` facing a raw peer. Keepalive is off unless the config turns it on. */
export function rawPeer(role: SessionRole = 'server', config: Partial<YamuxConfig> = {}): RawPeer {
  const [wire, sessionSide] = duplexPair();
  const session = new YamuxSession(sessionSide, role, { enableKeepAlive: false, ...config });
  const received: RawPeer['received'] = [];
  let wireEnded = false;
  const reader = new FrameReader(2 ** 32 - 1, (h, payload) => received.push({ ...h, payload: Buffer.concat(payload as Buffer[]) }));
  wire.on('data', (chunk: Buffer) => reader.push(chunk));
  // Like a socket without allowHalfOpen: when the session ends its side, the peer ends too.
  wire.on('end', () => {
    wireEnded = true;
    wire.end();
  });
  return {
    session,
    wire,
    received,
    ended: () => wireEnded,
    send: (type, flags, streamId, length, payload) => { wire.write(frameBytes(type, flags, streamId, length, payload)); },
    sendBytes: (bytes) => { wire.write(bytes); },
    close: async () => {
      if (!wire.writableEnded) wire.end();
      await session.close();
      wire.destroy();
    },
  };
}

export { FrameType, HEADER_SIZE };
