/**
 * Our hashicorp/yamux implementation: stream multiplexing over one byte transport, wire-compatible
 * with Go's github.com/hashicorp/yamux. Everything public is listed here.
 */
export { YamuxSession, type SessionRole } from './session.ts';
export { YamuxStream } from './stream.ts';
export { DEFAULT_CONFIG, resolveConfig, type YamuxConfig } from './config.ts';
export { YamuxError, YAMUX_ERRORS, isProtocolError, type YamuxErrorCode } from './errors.ts';
export { Flag, FrameType, GoAwayCode, HEADER_SIZE, INITIAL_STREAM_WINDOW, PROTOCOL_VERSION, decodeHeader, encodeHeader, type FrameHeader } from './frame-header.ts';
export { FrameReader, type FrameHandler } from './frame-reader.ts';
