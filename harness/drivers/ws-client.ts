/**
 * One WebSocket connection of the ws driver, speaking reference-impl/realtime's JSON protocol:
 * requests carry a numeric id and are settled by the reply with that id (pong, subscribed,
 * published, or error); fan-out `message` frames go to the onMessage handler. Never throws for
 * the system's failures: open() rejects with a short reason, requests reject with one.
 */
import { WebSocket, type RawData } from 'ws';

interface Pending { resolve: (reply: Record<string, unknown>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

export interface WsClientOptions {
  url: string;
  localAddress?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class WsClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private endReason = 'closed by peer';
  /** resolves with why the connection ended */
  readonly ended: Promise<string>;
  /** fan-out frames (type "message"), parsed */
  onMessage: (m: Record<string, unknown>) => void = () => {};
  /** every frame received, before parsing */
  onFrame: () => void = () => {};

  private constructor(private readonly ws: WebSocket) {
    this.ended = new Promise((resolve) => ws.once('close', (code: number) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('connection closed'));
      }
      this.pending.clear();
      resolve(code === 1012 ? 'server restart (1012)' : code === 1005 || code === 1000 ? this.endReason : `${this.endReason} (close ${code})`);
    }));
    ws.on('message', (data: RawData) => this.frame(data));
  }

  /** Opens a connection; resolves once the handshake completed, rejects with a short reason (status, error code, timeout). */
  static open(o: WsClientOptions): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(o.url, { perMessageDeflate: false, handshakeTimeout: o.timeoutMs, localAddress: o.localAddress, followRedirects: false });
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        ws.terminate();
        reject(new Error(why));
      };
      const onAbort = (): void => fail('aborted');
      o.signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        fail(`status ${res.statusCode}`);
      });
      ws.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
      ws.once('close', () => fail('closed during the handshake'));
      ws.once('open', () => {
        if (settled) return;
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        ws.removeAllListeners('error');
        ws.on('error', () => {});
        resolve(new WsClient(ws));
      });
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `frame` with a fresh id and resolves with the reply carrying it; rejects on an error reply, close or timeout. */
  request(frame: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (!this.open) return Promise.reject(new Error('not open'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('timeout'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  /** Sends without waiting for a reply. */
  send(text: string): void {
    this.ws.send(text);
  }

  /** Closes (close frame, then the socket) and resolves once it has ended. */
  async close(): Promise<void> {
    this.endReason = 'closed by caplab';
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    const cut = setTimeout(() => this.ws.terminate(), 1_000);
    await this.ended;
    clearTimeout(cut);
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.endReason = 'closed by caplab';
    this.ws.terminate();
  }

  private frame(data: RawData): void {
    this.onFrame();
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      return;
    }
    if (m['type'] === 'message') return this.onMessage(m);
    const id = m['id'];
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (m['type'] === 'error') p.reject(new Error(String(m['code'] ?? 'error')));
    else p.resolve(m);
  }
}
