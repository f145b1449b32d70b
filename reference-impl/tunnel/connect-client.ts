/**
 * The connect-mode client (the seed's `kuberde-cli connect`): listens on a local TCP port and
 * carries each accepted connection to the agent's local target through the tunnel server.
 *
 *   node --import tsx reference-impl/tunnel/connect-client.ts \
 *     --server http://127.0.0.1:8080 --agent ID --listen 127.0.0.1:2022 --token T
 *
 * Protocol: one WebSocket to `<server>/connect/<agent>` with `Authorization: Bearer <token>` (a
 * token of the agent's owner), carrying a yamux session in which this client is the client role.
 * Every local connection is one stream; the server joins it to a new stream to the agent. The
 * session is dialled on the first connection and again whenever the previous one is gone. Prints
 * `{"event":"listening","component":"tunnel-connect","url":"tcp://127.0.0.1:PORT"}` on stdout.
 */
import net from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DrainReport, RunningComponent } from '../common/component.ts';
import { parseFlags } from '../common/flags.ts';
import { installGracefulShutdown } from '../common/graceful-shutdown.ts';
import { createLogger, type Logger } from '../common/logger.ts';
import { UsageError } from '../common/usage-error.ts';
import { bridge } from './bridge.ts';
import { dialWebSocket } from './dial-websocket.ts';
import { parseHostPort, type LocalTarget } from './local-forward.ts';
import { fileToken, staticToken, type TokenSource } from './token-source.ts';
import { WebSocketDuplex } from './websocket-duplex.ts';
import { YamuxSession, type YamuxConfig } from './yamux/index.ts';

export const connectClientFlags = {
  server: { kind: 'string', help: 'tunnel server base URL, e.g. http://127.0.0.1:8080 (ws:// works too; the path is replaced)' },
  agent: { kind: 'string', help: 'agent id to connect to' },
  listen: { kind: 'string', default: '127.0.0.1:2022', help: 'local host:port to accept connections on (port 0 = any)' },
  token: { kind: 'string', help: 'bearer token of the agent\'s owner' },
  tokenFile: { kind: 'string', help: 'file holding the token, re-read for every new session' },
  connectTimeout: { kind: 'duration', default: '10s', help: 'deadline to open the session with the server' },
  streamWindow: { kind: 'bytes', default: '1MiB', help: 'yamux receive window per stream' },
  drainTimeout: { kind: 'duration', default: '10s', help: 'on SIGTERM, how long open connections may take to finish' },
} as const;

export interface ConnectClientOptions {
  serverUrl: string;
  agentId: string;
  listen: LocalTarget;
  tokens: TokenSource;
  connectTimeoutMs: number;
  yamux: Partial<YamuxConfig>;
  logger: Logger;
}

/** The `/connect/<agent>` WebSocket URL for a server base URL. */
export function connectUrl(server: string, agentId: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = `/connect/${encodeURIComponent(agentId)}`;
  url.search = '';
  return url.toString();
}

export class ConnectClient {
  private readonly listener = net.createServer({ allowHalfOpen: true, noDelay: true });
  private session: Promise<YamuxSession> | null = null;
  private readonly sessions = new Set<YamuxSession>();
  private active = 0;
  private readonly url: string;

  constructor(private readonly options: ConnectClientOptions) {
    this.url = connectUrl(options.serverUrl, options.agentId);
    this.listener.on('connection', (socket) => void this.carry(socket));
  }

  /** Listens; resolves with `tcp://host:port`. */
  start(): Promise<string> {
    return new Promise((resolveUrl, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.options.listen.port, this.options.listen.host, () => {
        const addr = this.listener.address() as net.AddressInfo;
        resolveUrl(`tcp://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`);
      });
    });
  }

  /** Stops listening, lets open connections finish until the deadline, then closes the sessions. */
  async close(deadlineMs: number): Promise<DrainReport> {
    this.listener.close();
    const started = performance.now();
    while (this.active > 0 && performance.now() - started < deadlineMs) await new Promise((r) => setTimeout(r, 20));
    const abandoned = this.active;
    await Promise.all([...this.sessions].map((s) => s.close()));
    return { abandoned };
  }

  private async carry(socket: net.Socket): Promise<void> {
    socket.on('error', () => {});
    this.active++;
    try {
      const session = await this.currentSession();
      const stream = await session.open();
      await bridge(socket, stream);
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'cannot carry a connection through the tunnel');
      socket.destroy();
    } finally {
      this.active--;
    }
  }

  /** The open session, dialling a new one when there is none (or the server sent GoAway). */
  private currentSession(): Promise<YamuxSession> {
    this.session ??= (async () => {
      try {
        const ws = await dialWebSocket(this.url, await this.options.tokens.get(), this.options.connectTimeoutMs);
        const session = YamuxSession.client(new WebSocketDuplex(ws), this.options.yamux);
        this.sessions.add(session);
        const forget = () => { if (this.session === pending) this.session = null; };
        session.once('goaway', forget);
        session.once('close', () => { this.sessions.delete(session); forget(); });
        return session;
      } catch (err) {
        this.session = null;
        throw err;
      }
    })();
    const pending = this.session;
    return pending;
  }
}

/** Starts a connect client from command-line flags (the `tunnel-connect` entry). */
export async function startConnectClient(argv: readonly string[], logger: Logger): Promise<RunningComponent> {
  const o = parseFlags(connectClientFlags, argv, 'tunnel-connect');
  const fail = (message: string): never => { throw new UsageError('bad-flag', `tunnel-connect: ${message}`); };
  if (o.server === undefined || !/^(https?|wss?):\/\//.test(o.server)) fail('--server needs the server URL, e.g. http://127.0.0.1:8080');
  if (o.agent === undefined) fail('--agent is required');
  if ((o.token === undefined) === (o.tokenFile === undefined)) fail('give exactly one of --token, --token-file');
  let listen: LocalTarget;
  try { listen = parseHostPort(o.listen, true); } catch (err) { return fail(`--listen: ${(err as Error).message}`); }
  const client = new ConnectClient({
    serverUrl: o.server!,
    agentId: o.agent!,
    listen,
    tokens: o.token !== undefined ? staticToken(o.token) : fileToken(o.tokenFile!),
    connectTimeoutMs: o.connectTimeout,
    yamux: { maxStreamWindowSize: o.streamWindow },
    logger,
  });
  const url = await client.start();
  logger.info({ url, server: o.server, agent: o.agent }, 'tunnel-connect listening');
  return { component: 'tunnel-connect', url, close: (deadlineMs = o.drainTimeout) => client.close(deadlineMs) };
}

async function main(argv: string[]): Promise<void> {
  const logger = createLogger('tunnel-connect');
  try {
    const running = await startConnectClient(argv, logger);
    installGracefulShutdown(running, { logger });
    process.stdout.write(`${JSON.stringify({ event: 'listening', component: running.component, url: running.url })}\n`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stdout.write(`${JSON.stringify({ event: 'usage-error', kind: err.kind, message: err.message })}\n`);
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`tunnel-connect failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
