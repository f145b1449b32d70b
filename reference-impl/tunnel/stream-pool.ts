/**
 * Keep-alive for the HTTP ingress: an http.Agent whose "connections" are yamux streams to one
 * agent, kept open between requests like Go's http.Transport pool in the seed (IdleConnTimeout
 * 90 s). A kept stream is also a kept TCP connection from the agent to its target, so a request
 * costs no stream open, no TCP connect and no TIME_WAIT on the agent's host.
 *
 * An idle stream is closed after `idleMs`, or sooner if the target's `Keep-Alive: timeout=N` says
 * it will close first (as Node's own Agent does), or as soon as the agent side ends it.
 */
import { Agent, type ClientRequest, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import type { YamuxStream } from './yamux/index.ts';

/** Error code of a request that found no stream to the agent (the caller answers 503). */
export const NO_STREAM = 'TUNNEL_NO_STREAM';

interface IdleState { timer: NodeJS.Timeout; onEnd: () => void }

export class StreamPool extends Agent {
  private readonly idle = new WeakMap<Duplex, IdleState>();
  private keeping: boolean;

  /** `open` gives a new stream to the agent, or null when none can be opened. */
  constructor(private readonly open: () => Promise<YamuxStream | null>, private readonly idleMs: number, maxStreams: number) {
    super({ keepAlive: idleMs > 0, maxSockets: maxStreams, maxFreeSockets: maxStreams, scheduling: 'lifo' });
    this.keeping = idleMs > 0;
  }

  /** Streams waiting in the pool for a request. */
  get idleCount(): number {
    return Object.values(this.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  }

  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.open().then((stream) => {
      if (stream === null) callback!(Object.assign(new Error('no stream to the agent'), { code: NO_STREAM }), undefined as unknown as Duplex);
      else callback!(null, stream);
    }, (err: Error) => callback!(err, undefined as unknown as Duplex));
    return undefined;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (!this.keeping || socket.destroyed) return false;
    const idleMs = Math.min(this.idleMs, hintedIdleMs(socket) ?? Infinity);
    if (idleMs <= 0) return false;
    // the agent's side may end the conversation while the stream waits: then it is of no more use
    const onEnd = () => socket.destroy();
    socket.once('end', onEnd);
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), idleMs);
    timer.unref();
    this.idle.set(socket, { timer, onEnd });
    socket.once('close', () => this.forget(socket));
    return true;
  }

  override reuseSocket(socket: Duplex, _request: ClientRequest): void {
    this.forget(socket);
  }

  /** Closes idle streams and keeps no more (draining, or the link is being retired). */
  closeIdle(): void {
    this.keeping = false;
    for (const list of Object.values(this.freeSockets)) for (const socket of [...(list ?? [])]) socket.destroy();
  }

  private forget(socket: Duplex): void {
    const state = this.idle.get(socket);
    if (state === undefined) return;
    clearTimeout(state.timer);
    socket.off('end', state.onEnd);
    this.idle.delete(socket);
  }
}

/** The target's own idle limit from `Keep-Alive: timeout=N`, minus a second of margin; undefined if not sent. */
function hintedIdleMs(socket: Duplex): number | undefined {
  const message = (socket as Duplex & { _httpMessage?: { res?: { headers: Record<string, string | string[] | undefined> } } })._httpMessage;
  const hint = message?.res?.headers['keep-alive'];
  const seconds = typeof hint === 'string' ? /(?:^|,)\s*timeout=(\d+)/i.exec(hint)?.[1] : undefined;
  return seconds === undefined ? undefined : Number(seconds) * 1000 - 1000;
}
