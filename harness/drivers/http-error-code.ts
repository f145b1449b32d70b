/**
 * The short code a transport failure is tagged with (`error:ECONNREFUSED`, `error:timeout`), the
 * same whichever engine saw it, so thresholds and reports can group failures by cause.
 */

export const TIMEOUT = 'timeout';
export const ABORTED = 'aborted';
export const PROTOCOL_ERROR = 'EPROTO';

const UNDICI_CODES: Readonly<Record<string, string>> = {
  UND_ERR_HEADERS_TIMEOUT: TIMEOUT,
  UND_ERR_BODY_TIMEOUT: TIMEOUT,
  UND_ERR_CONNECT_TIMEOUT: TIMEOUT,
  UND_ERR_ABORTED: ABORTED,
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_DESTROYED: 'ECONNRESET',
  UND_ERR_INFO: PROTOCOL_ERROR,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: PROTOCOL_ERROR,
  UND_ERR_RES_EXCEEDED_MAX_SIZE: PROTOCOL_ERROR,
  HPE_INVALID_CONSTANT: PROTOCOL_ERROR,
};

/** Maps an error from node:net, undici or the fast parser to a short, stable code. */
export function transportErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'error';
  const e = err as { code?: unknown; name?: unknown; cause?: unknown };
  if (e.name === 'AbortError') return ABORTED;
  // undici's parser errors do not always carry an HPE_ code.
  if (e.name === 'HTTPParserError') return PROTOCOL_ERROR;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'UND_ERR_SOCKET') {
    // undici wraps the socket's own error; its code (ECONNRESET, EPIPE) is the useful one.
    const inner = transportErrorCode(e.cause);
    return inner === 'error' ? 'ECONNRESET' : inner;
  }
  if (code !== undefined) {
    const mapped = UNDICI_CODES[code];
    if (mapped !== undefined) return mapped;
    if (code.startsWith('HPE_')) return PROTOCOL_ERROR;
    return code;
  }
  if (e.cause !== undefined) return transportErrorCode(e.cause);
  return 'error';
}
