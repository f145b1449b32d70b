/**
 * The 12-byte yamux frame header (hashicorp/yamux spec.md), big-endian:
 *   version u8 (0) | type u8 | flags u16 | stream id u32 | length u32
 * For Data, length is the payload size that follows; for WindowUpdate a window delta; for Ping an
 * opaque value echoed back; for GoAway an error code. Only Data frames carry a payload.
 */

export const HEADER_SIZE = 12;
export const PROTOCOL_VERSION = 0;
/** Every stream starts with this window in both directions; a larger one is advertised by delta. */
export const INITIAL_STREAM_WINDOW = 256 * 1024;

export const FrameType = { Data: 0, WindowUpdate: 1, Ping: 2, GoAway: 3 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Flags combine (e.g. ACK|FIN); SYN/ACK also mark a Ping as request/reply. */
export const Flag = { SYN: 0x1, ACK: 0x2, FIN: 0x4, RST: 0x8 } as const;

export const GoAwayCode = { Normal: 0, ProtocolError: 1, InternalError: 2 } as const;
export type GoAwayCode = (typeof GoAwayCode)[keyof typeof GoAwayCode];

export interface FrameHeader {
  version: number;
  type: number;
  flags: number;
  streamId: number;
  length: number;
}

/** True when `type` is one of the four known frame types. */
export function isKnownType(type: number): type is FrameType {
  return type >= FrameType.Data && type <= FrameType.GoAway;
}

/** Writes a version-0 header into `target` at `offset` (a fresh 12-byte buffer by default). */
export function encodeHeader(type: number, flags: number, streamId: number, length: number, target: Buffer = Buffer.allocUnsafe(HEADER_SIZE), offset = 0): Buffer {
  target[offset] = PROTOCOL_VERSION;
  target[offset + 1] = type;
  target.writeUInt16BE(flags, offset + 2);
  target.writeUInt32BE(streamId, offset + 4);
  target.writeUInt32BE(length, offset + 8);
  return target;
}

/** Reads the 12 header bytes at `offset`; validation is the caller's business. */
export function decodeHeader(source: Buffer, offset = 0): FrameHeader {
  return {
    version: source[offset]!,
    type: source[offset + 1]!,
    flags: source.readUInt16BE(offset + 2),
    streamId: source.readUInt32BE(offset + 4),
    length: source.readUInt32BE(offset + 8),
  };
}
