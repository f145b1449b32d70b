/**
 * Holding HTTP connections (the hold-connections executor with an `http:` block): each held
 * connection is a keep-alive socket that has carried one request and got a complete, accepted
 * response, then stays open and idle. It answers "how many idle keep-alive clients can this
 * server keep", the connection-count side of capacity, before a WebSocket or tunnel driver exists.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { HeldConnection, IterationContext } from './driver.ts';
import { ResponseParser } from './http-fast/response-parser.ts';

export interface HoldOptions {
  origin: URL;
  /** the whole request, written once per connection */
  request: Buffer;
  noBody: boolean;
  timeoutMs: number;
  /** statuses the opening request may answer with and the connection still count as held */
  accept: (status: number) => boolean;
}

export class HttpConnectionHolder {
  private readonly open = new Set<Socket>();
  constructor(private readonly o: HoldOptions) {}

  /** Opens one connection and resolves once its request was answered; rejects with a short reason otherwise. */
  hold(ctx: IterationContext): Promise<HeldConnection> {
    const { origin } = this.o;
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const tls = origin.protocol === 'https:';
    const port = Number(origin.port || (tls ? 443 : 80));
    const socket = tls ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    socket.setNoDelay(true);
    this.open.add(socket);
    let settled = false;
    let endReason = 'closed by peer';
    const ended = new Promise<string>((resolve) => socket.once('close', () => {
      this.open.delete(socket);
      resolve(endReason);
    }));
    return new Promise<HeldConnection>((resolve, reject) => {
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        endReason = why;
        socket.destroy();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail('timeout'), this.o.timeoutMs);
      const onAbort = (): void => fail('aborted');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const parser = new ResponseParser({
        onResponse: (status, keepAlive) => {
          clearTimeout(timer);
          ctx.signal.removeEventListener('abort', onAbort);
          if (!this.o.accept(status)) return fail(`status ${status}`);
          if (!keepAlive) return fail('server closes the connection after a response');
          settled = true;
          // Later bytes on an idle connection are not expected: drop the connection if they come.
          socket.removeAllListeners('data');
          socket.on('data', () => { endReason = 'unexpected data'; socket.destroy(); });
          resolve({
            ended,
            close: async () => {
              endReason = 'closed by caplab';
              socket.end();
              socket.destroy();
              await ended;
            },
          });
        },
      }, { keepBody: false });
      parser.noBody = this.o.noBody;
      socket.on('data', (buf: Buffer) => {
        try {
          parser.execute(buf, 0, buf.length);
        } catch (err) {
          fail((err as Error).message);
        }
      });
      socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
      socket.on('close', () => fail('closed before the response'));
      socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(this.o.request));
    });
  }

  /** Closes every connection still held. */
  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}
