/**
 * Opening a tunnel WebSocket as a client (agent or connect client): bearer token in the upgrade
 * request, compression off, a handshake deadline, and a refusal turned into a status code the
 * caller can act on (401 = credentials, 503 = server full or draining, ...).
 *
 * Frames are sent with an all-zero mask, which ws then skips: masking protects proxies from
 * scripts in browsers, and costs a pass over every byte on both ends; our clients are not browsers.
 */
import { WebSocket } from 'ws';

/** The server refused the upgrade with an HTTP status (`status`), or the connection failed (status undefined). */
export class DialError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'DialError';
  }
}

const MAX_WS_MESSAGE = 4 * 1024 * 1024;
const zeroMask = (mask: Buffer): void => { mask.fill(0); };

/**
 * Resolves with an OPEN WebSocket, paused; rejects with DialError. Paused because frames the server
 * sent with its 101 arrive in the same read and ws emits them (process.nextTick) before an awaiting
 * caller can add a 'message' listener: they were lost (a yamux SYN sent right after the upgrade,
 * so that request hung). WebSocketDuplex resumes it once read; a caller using `ws` itself calls resume().
 */
export function dialWebSocket(url: string, token: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: DialError) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      maxPayload: MAX_WS_MESSAGE,
      handshakeTimeout: timeoutMs,
      generateMask: zeroMask,
      followRedirects: false,
    });
    ws.on('error', (err) => fail(new DialError(`cannot reach ${url}: ${err.message}`)));
    ws.once('unexpected-response', (req, res) => {
      fail(new DialError(`${url} refused the WebSocket: HTTP ${res.statusCode}`, res.statusCode));
      res.resume();
      req.destroy();
    });
    ws.once('open', () => {
      if (settled) return void ws.terminate();
      settled = true;
      ws.pause();
      resolve(ws);
    });
  });
}
