/**
 * Every error the yamux library reports, each with a stable code (match on `err.code`, never on the
 * message). `kind` says whose fault it was: `protocol` = the peer broke the wire protocol (we answer
 * GoAway(protocol error) and close), `remote` = the peer told us something ended, `local` = our own
 * limits, timeouts or misuse.
 */

type ErrorKind = 'protocol' | 'remote' | 'local';

interface ErrorDef { message: string; kind: ErrorKind }

export const YAMUX_ERRORS = {
  YAMUX_ERR_INVALID_VERSION: { message: 'invalid protocol version', kind: 'protocol' },
  YAMUX_ERR_INVALID_MSG_TYPE: { message: 'invalid message type', kind: 'protocol' },
  YAMUX_ERR_FRAME_TOO_LARGE: { message: 'data frame longer than the largest receive window', kind: 'protocol' },
  YAMUX_ERR_INVALID_STREAM_ID: { message: 'frame carries a stream id not allowed for its type or sender', kind: 'protocol' },
  YAMUX_ERR_UNKNOWN_STREAM: { message: 'frame for a stream that was never opened', kind: 'protocol' },
  YAMUX_ERR_DUPLICATE_STREAM: { message: 'duplicate stream initiated', kind: 'protocol' },
  YAMUX_ERR_RECV_WINDOW_EXCEEDED: { message: 'receive window exceeded', kind: 'protocol' },
  YAMUX_ERR_SEND_WINDOW_OVERFLOW: { message: 'window update overflows the send window', kind: 'protocol' },
  YAMUX_ERR_UNEXPECTED_FLAG: { message: 'unexpected flag', kind: 'protocol' },
  YAMUX_ERR_DATA_AFTER_FIN: { message: 'data after the stream was half-closed by the peer', kind: 'protocol' },
  YAMUX_ERR_REMOTE_PROTOCOL_ERROR: { message: 'peer sent GoAway(protocol error)', kind: 'remote' },
  YAMUX_ERR_REMOTE_INTERNAL_ERROR: { message: 'peer sent GoAway(internal error)', kind: 'remote' },
  YAMUX_ERR_REMOTE_GOAWAY_UNKNOWN: { message: 'peer sent GoAway with an unknown code', kind: 'remote' },
  YAMUX_ERR_REMOTE_GOAWAY: { message: 'peer is not accepting new streams (GoAway)', kind: 'remote' },
  YAMUX_ERR_STREAM_RESET: { message: 'stream reset', kind: 'remote' },
  YAMUX_ERR_TRANSPORT: { message: 'transport failed', kind: 'remote' },
  YAMUX_ERR_SESSION_CLOSED: { message: 'session closed', kind: 'local' },
  YAMUX_ERR_LOCAL_GOAWAY: { message: 'session sent GoAway and accepts no new streams', kind: 'local' },
  YAMUX_ERR_STREAMS_EXHAUSTED: { message: 'stream ids exhausted', kind: 'local' },
  YAMUX_ERR_KEEPALIVE_TIMEOUT: { message: 'keepalive ping got no reply in time', kind: 'local' },
  YAMUX_ERR_PING_TIMEOUT: { message: 'ping got no reply in time', kind: 'local' },
  YAMUX_ERR_CONNECTION_WRITE_TIMEOUT: { message: 'transport did not accept writes in time', kind: 'local' },
  YAMUX_ERR_STREAM_OPEN_TIMEOUT: { message: 'opened stream was not acknowledged in time', kind: 'local' },
  YAMUX_ERR_STREAM_CLOSE_TIMEOUT: { message: 'peer did not half-close the stream in time after ours', kind: 'local' },
  YAMUX_ERR_INVALID_CONFIG: { message: 'invalid yamux config', kind: 'local' },
  YAMUX_ERR_INTERNAL: { message: 'internal error in the yamux session', kind: 'local' },
} as const satisfies Record<string, ErrorDef>;

export type YamuxErrorCode = keyof typeof YAMUX_ERRORS;

/** The one error class of the yamux library. */
export class YamuxError extends Error {
  readonly code: YamuxErrorCode;
  readonly kind: ErrorKind;

  constructor(code: YamuxErrorCode, detail?: string, options?: { cause?: unknown }) {
    const def = YAMUX_ERRORS[code];
    super(detail ? `${def.message}: ${detail}` : def.message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'YamuxError';
    this.code = code;
    this.kind = def.kind;
  }
}

/** True for an error caused by the peer breaking the wire protocol. */
export function isProtocolError(err: unknown): err is YamuxError {
  return err instanceof YamuxError && err.kind === 'protocol';
}
