/**
 * Listening and draining for a node:http server. Draining is what makes SIGTERM graceful: stop
 * accepting, close keep-alive connections as they go idle, let in-flight requests finish until a
 * deadline, then cut whatever is left (and say how many).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DrainReport } from './component.ts';

/** How often idle keep-alive connections are swept while draining: short, so drain ends soon after the last response. */
const IDLE_SWEEP_MS = 20;

export class HttpLifecycle {
  readonly server: Server;
  private inFlightRequests = 0;
  private drainPromise: Promise<DrainReport> | undefined;

  constructor(server: Server) {
    this.server = server;
    server.on('request', (_req, res) => {
      this.inFlightRequests++;
      res.once('close', () => { this.inFlightRequests--; });
    });
  }

  /** every request the server is handling now, of any route */
  get inFlight(): number { return this.inFlightRequests; }

  get draining(): boolean { return this.drainPromise !== undefined; }

  /** Listens on host:port and resolves with the base URL (the real port when port is 0). */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as AddressInfo;
        const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        resolve(`http://${h}:${addr.port}`);
      });
    });
  }

  /** Stops accepting, waits for in-flight requests up to deadlineMs, then cuts the rest. Idempotent. */
  drain(deadlineMs: number): Promise<DrainReport> {
    this.drainPromise ??= new Promise<DrainReport>((resolve) => {
      let abandoned = 0;
      const sweep = setInterval(() => this.server.closeIdleConnections(), IDLE_SWEEP_MS);
      const deadline = setTimeout(() => {
        abandoned = this.inFlightRequests;
        this.server.closeAllConnections();
      }, deadlineMs);
      // close() calls back once every connection has ended, or at once (with an error we do not need) if never listening
      this.server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve({ abandoned });
      });
      this.server.closeIdleConnections();
    });
    return this.drainPromise;
  }
}
