/**
 * One connected agent, on the server: its WebSocket (as a byte stream), the yamux session over it
 * (server role: the server opens streams, the agent accepts them) and the identity its token proved.
 * A link is retired when its agent reconnects, its token expires or the server drains: GoAway, so
 * the agent knows to reconnect, then the session closes once its streams finish or a deadline passes.
 */
import type { WebSocket } from 'ws';
import { YamuxSession, type YamuxConfig, type YamuxStream } from './yamux/index.ts';
import type { Identity } from './agent-names.ts';
import { WebSocketDuplex } from './websocket-duplex.ts';

export class AgentLink {
  readonly identity: Identity;
  readonly transport: WebSocketDuplex;
  readonly session: YamuxSession;
  readonly connectedAtMs = Date.now();
  private active = 0;
  private retiring: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  private expiryTimer: NodeJS.Timeout | null = null;

  /** Starts the session on an open WebSocket. */
  constructor(ws: WebSocket, identity: Identity, yamux: Partial<YamuxConfig>) {
    this.identity = identity;
    this.transport = new WebSocketDuplex(ws);
    const session = YamuxSession.server(this.transport, yamux);
    this.session = session;
    // Agents have no business opening streams towards the server: refuse each one at once.
    void (async () => {
      for await (const stream of session) stream.destroy();
    })().catch(() => {});
    this.session.once('close', () => {
      if (this.expiryTimer) clearTimeout(this.expiryTimer);
      this.wakeIdle();
    });
  }

  /** Streams opened through this link and not yet closed. */
  get streams(): number {
    return this.active;
  }

  get isClosed(): boolean {
    return this.session.isClosed;
  }

  get isRetiring(): boolean {
    return this.retiring !== undefined;
  }

  /** Opens a stream to the agent; rejects (YamuxError) when the link is closed or retired. */
  async openStream(): Promise<YamuxStream> {
    const stream = await this.session.open();
    this.active++;
    stream.once('close', () => {
      this.active--;
      if (this.active === 0) this.wakeIdle();
    });
    return stream;
  }

  /** Calls `onExpired` when the token behind this link expires (never for a token-file identity). */
  watchExpiry(onExpired: () => void, now: number = Date.now()): void {
    const at = this.identity.expiresAtMs;
    if (at === undefined) return;
    // setTimeout holds at most ~24.8 days; a longer-lived token is re-checked when that fires
    const delay = Math.min(Math.max(0, at - now), 0x7fff_ffff);
    this.expiryTimer = setTimeout(() => (Date.now() >= at ? onExpired() : this.watchExpiry(onExpired)), delay);
    this.expiryTimer.unref();
  }

  /**
   * GoAway now; close the session when no stream is open or after `deadlineMs`, whichever is first.
   * Resolves when the session is closed. Idempotent.
   */
  retire(deadlineMs: number): Promise<void> {
    this.retiring ??= (async () => {
      this.session.goAway();
      if (this.active > 0 && !this.session.isClosed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
          new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); }),
        ]);
        clearTimeout(timer);
      }
      await this.session.close();
    })();
    return this.retiring;
  }

  /** Closes the session now; open streams are cut. */
  close(): Promise<void> {
    return this.session.close();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
