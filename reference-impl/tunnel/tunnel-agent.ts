/**
 * The agent: keeps one authenticated link to the server (WebSocket + yamux, client role) and
 * forwards every stream the server opens to the local target.
 *
 * - Reconnects after any loss with Backoff (full jitter), reset after each successful connect.
 * - A GoAway from the server (draining, or our token expired) means "reconnect": the old session
 *   keeps serving its streams until the server closes it.
 * - With a refreshable token source, a new link is dialled when 80% of the token's lifetime has
 *   passed (make-before-break): the server swaps it in and retires the old one.
 * - Keepalive is yamux's ping (keepAliveIntervalMs); a missed reply closes the session.
 * Time (timers) and randomness are injected so tests can drive the loop.
 */
import type { WebSocket } from 'ws';
import type { DrainReport } from '../common/component.ts';
import type { Logger } from '../common/logger.ts';
import { Backoff } from './backoff.ts';
import { DialError } from './dial-websocket.ts';
import { forwardToLocal, type LocalTarget } from './local-forward.ts';
import { tokenExpiresAtMs, tokenSubject, type TokenSource } from './token-source.ts';
import { WebSocketDuplex } from './websocket-duplex.ts';
import { YamuxSession, type YamuxConfig } from './yamux/index.ts';

export type AgentState = 'connecting' | 'connected' | 'backing-off' | 'unauthorized' | 'stopped';

/** A machine-readable event (the component prints them as JSON lines on stdout). */
export interface AgentEvent { event: 'connected' | 'disconnected'; agent: string | undefined; server: string; connects: number }

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TunnelAgentOptions {
  serverUrl: string;
  localTarget: LocalTarget;
  tokens: TokenSource;
  backoff: Backoff;
  yamux: Partial<YamuxConfig>;
  /** deadline of one dial (TCP + upgrade) and of one connect to the local target */
  connectTimeoutMs: number;
  logger: Logger;
  dial: (url: string, token: string, timeoutMs: number) => Promise<WebSocket>;
  onEvent?: (event: AgentEvent) => void;
  timers?: Timers;
  now?: () => number;
}

/** The share of a token's lifetime after which the agent reconnects with a fresh one. */
const REFRESH_AT = 0.8;
const DRAIN_POLL_MS = 20;
/** setTimeout's limit (~24.8 days); a later refresh is simply re-planned when this fires. */
const MAX_TIMER_MS = 0x7fff_ffff;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class TunnelAgent {
  private stateValue: AgentState = 'connecting';
  private current: YamuxSession | null = null;
  private readonly sessions = new Set<YamuxSession>();
  private timer: unknown = null;
  private dialing = false;
  private stopped = false;
  private connectsTotal = 0;
  private dialFailuresTotal = 0;
  private streamsTotal = 0;
  private streamsActive = 0;
  private agentId: string | undefined;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly options: TunnelAgentOptions) {
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? Date.now;
  }

  get state(): AgentState { return this.stateValue; }
  get connects(): number { return this.connectsTotal; }
  get dialFailures(): number { return this.dialFailuresTotal; }
  get streams(): { active: number; total: number } { return { active: this.streamsActive, total: this.streamsTotal }; }
  /** the agent id from the token (JWT `sub`), once known */
  get id(): string | undefined { return this.agentId; }

  /** Starts connecting. */
  start(): void {
    void this.attempt();
  }

  /**
   * Stops reconnecting, tells the server to open no more streams (GoAway), lets open streams finish
   * until `deadlineMs`, then closes every session.
   */
  async stop(deadlineMs: number): Promise<DrainReport> {
    this.stopped = true;
    this.stateValue = 'stopped';
    this.clearTimer();
    for (const session of this.sessions) session.goAway();
    const started = performance.now();
    while (this.streamsActive > 0 && performance.now() - started < deadlineMs) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    const abandoned = this.streamsActive;
    await Promise.all([...this.sessions].map((s) => s.close()));
    return { abandoned };
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.dialing) return;
    this.dialing = true;
    this.clearTimer();
    if (this.current === null) this.stateValue = 'connecting';
    let ws: WebSocket;
    let token: string;
    try {
      token = await this.options.tokens.get();
      this.agentId = tokenSubject(token) ?? this.agentId;
      ws = await this.options.dial(this.options.serverUrl, token, this.options.connectTimeoutMs);
    } catch (err) {
      this.dialing = false;
      this.dialFailuresTotal++;
      const status = err instanceof DialError ? err.status : undefined;
      if (this.current === null) this.stateValue = status === 401 ? 'unauthorized' : 'backing-off';
      const delay = this.options.backoff.next();
      this.options.logger.warn({ err: (err as Error).message, status, retryInMs: Math.round(delay) }, 'cannot connect to the tunnel server');
      this.schedule(delay);
      return;
    }
    this.dialing = false;
    if (this.stopped) return void ws.terminate();
    this.adopt(ws, token);
  }

  private adopt(ws: WebSocket, token: string): void {
    const session = YamuxSession.client(new WebSocketDuplex(ws), this.options.yamux);
    const replaced = this.current;
    this.current = session;
    this.sessions.add(session);
    this.options.backoff.reset();
    this.connectsTotal++;
    this.stateValue = 'connected';
    this.options.logger.info({ agent: this.agentId, server: this.options.serverUrl, refresh: replaced !== null }, 'connected');
    this.options.onEvent?.({ event: 'connected', agent: this.agentId, server: this.options.serverUrl, connects: this.connectsTotal });

    void this.serve(session);
    session.once('goaway', () => this.lost(session, 'server sent GoAway'));
    session.once('close', (err) => {
      this.sessions.delete(session);
      this.lost(session, err?.message ?? 'session closed');
    });
    this.scheduleRefresh(token);
  }

  /** The current session is gone or going: reconnect after a backoff delay. Old sessions are let be. */
  private lost(session: YamuxSession, why: string): void {
    if (this.current !== session || this.stopped) return;
    this.current = null;
    this.stateValue = 'backing-off';
    this.options.onEvent?.({ event: 'disconnected', agent: this.agentId, server: this.options.serverUrl, connects: this.connectsTotal });
    const delay = this.options.backoff.next();
    this.options.logger.warn({ why, retryInMs: Math.round(delay) }, 'link to the tunnel server lost');
    this.schedule(delay);
  }

  private async serve(session: YamuxSession): Promise<void> {
    for await (const stream of session) {
      this.streamsTotal++;
      this.streamsActive++;
      void forwardToLocal(stream, this.options.localTarget, this.options.connectTimeoutMs).then(({ ok }) => {
        this.streamsActive--;
        if (!ok) this.options.logger.debug({ stream: stream.id }, 'stream aborted');
      });
    }
  }

  private scheduleRefresh(token: string): void {
    const expiresAt = tokenExpiresAtMs(token);
    if (expiresAt === undefined) return;
    const lifetime = expiresAt - this.now();
    if (!this.options.tokens.refreshable) {
      this.options.logger.warn({ expiresInMs: lifetime }, 'the token expires and this token source cannot refresh it');
      return;
    }
    this.schedule(Math.max(0, lifetime * REFRESH_AT));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, Math.min(delayMs, MAX_TIMER_MS));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
