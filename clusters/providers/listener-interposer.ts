/**
 * A loopback TCP interposer in front of one replica's listener, so `delay` and `blackhole` faults
 * can act on any component (HTTP, WebSocket, raw TCP) without its cooperation and without root
 * (tc netem would need root and would act on every process on lo of a shared machine). Clients
 * reach the interposer's port; it forwards bytes both ways to the replica. Normally it passes bytes
 * at once. Under `delay` every chunk, both ways, is held `latencyMs` before it is passed on (order
 * kept). Under `blackhole` nothing is passed and new connections are not forwarded, but nothing is
 * lost either: as in a partition that heals before TCP gives up, held bytes flow once it is lifted.
 * Only components with a delay or blackhole fault in the scenario get one, so other runs measure
 * the component's own listener.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

type Mode = { kind: 'pass' } | { kind: 'delay'; latencyMs: number } | { kind: 'blackhole' };

interface Held { at: number; chunk: Buffer | null }

export class ListenerInterposer {
  private readonly server: Server;
  private mode: Mode = { kind: 'pass' };
  private readonly sockets = new Set<Socket>();
  /** flushes run when a blackhole lifts */
  private readonly waiting = new Set<() => void>();
  private targetPort: number;

  private constructor(server: Server, targetPort: number) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Listens on 127.0.0.1:`port` (0 = any) and forwards to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number, port = 0): Promise<ListenerInterposer> {
    const server = createServer({ noDelay: true });
    const self = new ListenerInterposer(server, targetPort);
    server.on('connection', (client) => self.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => { server.off('error', reject); resolve(); });
    });
    return self;
  }

  get port(): number { return (this.server.address() as AddressInfo).port; }

  /** A restarted replica may listen elsewhere; new connections go there. */
  retarget(port: number): void { this.targetPort = port; }

  delay(latencyMs: number): void { this.setMode({ kind: 'delay', latencyMs }); }

  blackhole(): void { this.setMode({ kind: 'blackhole' }); }

  /** Back to passing bytes at once; whatever was held flows now. */
  lift(): void { this.setMode({ kind: 'pass' }); }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    if (mode.kind !== 'blackhole') {
      const flushes = [...this.waiting];
      this.waiting.clear();
      for (const f of flushes) f();
    }
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const connect = (): void => {
      if (client.destroyed) return;
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort, noDelay: true });
      this.sockets.add(upstream);
      // a clean close travels through relay() as an end, after any bytes still held
      upstream.on('close', (hadError) => { this.sockets.delete(upstream); if (hadError) client.destroy(); });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      this.relay(client, upstream);
      this.relay(upstream, client);
    };
    if (this.mode.kind === 'blackhole') {
      // no answer for a new connection either: hold it until the blackhole lifts
      client.pause();
      this.waiting.add(() => { client.resume(); connect(); });
    } else {
      connect();
    }
  }

  /** Copies `from` to `to`, holding chunks as the mode says; a half-close travels in order too. */
  private relay(from: Socket, to: Socket): void {
    const queue: Held[] = [];
    let timer: NodeJS.Timeout | undefined;
    let parked = false;
    const flush = (): void => {
      timer = undefined;
      parked = false;
      while (queue.length > 0) {
        if (this.mode.kind === 'blackhole') {
          parked = true;
          this.waiting.add(flush);
          return;
        }
        const due = this.mode.kind === 'delay' ? queue[0]!.at + this.mode.latencyMs : 0;
        const wait = due - performance.now();
        if (wait > 0) { timer = setTimeout(flush, Math.ceil(wait)); return; }
        const { chunk } = queue.shift()!;
        if (to.destroyed) continue;
        if (chunk === null) to.end(); else to.write(chunk);
      }
    };
    const push = (chunk: Buffer | null): void => {
      if (this.mode.kind === 'pass' && queue.length === 0) {
        if (!to.destroyed) { if (chunk === null) to.end(); else to.write(chunk); }
        return;
      }
      queue.push({ at: performance.now(), chunk });
      if (timer === undefined && !parked) flush();
    };
    from.on('data', (chunk: Buffer) => push(chunk));
    // bytes already held still flow after `from` closes: they were sent before it did
    from.on('end', () => push(null));
  }
}
