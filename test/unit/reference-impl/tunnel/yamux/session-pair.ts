/** Test helpers: two yamux sessions over an in-memory pair or loopback TCP, and reading helpers. */
import { once } from 'node:events';
import net from 'node:net';
import { duplexPair, type Readable } from 'node:stream';
import type { YamuxConfig } from '../../../../../reference-impl/tunnel/yamux/config.ts';
import { YamuxSession } from '../../../../../reference-impl/tunnel/yamux/session.ts';

export interface SessionPair {
  client: YamuxSession;
  server: YamuxSession;
  /** Closes both sessions (and the TCP listener); safe to call twice. */
  close(): Promise<void>;
}

/** Two sessions over node:stream duplexPair (no sockets, no timers). */
export function memoryPair(clientConfig: Partial<YamuxConfig> = {}, serverConfig: Partial<YamuxConfig> = clientConfig): SessionPair {
  const [a, b] = duplexPair();
  const client = YamuxSession.client(a, clientConfig);
  const server = YamuxSession.server(b, serverConfig);
  return { client, server, close: async () => { await Promise.all([client.close(), server.close()]); } };
}

/** Two sessions over a loopback TCP connection. */
export async function tcpPair(config: Partial<YamuxConfig> = {}): Promise<SessionPair> {
  const listener = net.createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const clientSocket = net.connect(port, '127.0.0.1');
  await once(clientSocket, 'connect');
  const [serverSocket] = await accepted;
  const client = YamuxSession.client(clientSocket, config);
  const server = YamuxSession.server(serverSocket, config);
  return {
    client,
    server,
    close: async () => {
      await Promise.all([client.close(), server.close()]);
      if (listener.listening) await new Promise((resolve) => listener.close(resolve));
    },
  };
}

/** Everything the stream delivers until its end (events, not for-await: that would destroy a half-open duplex). */
export function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Resolves after pending I/O callbacks and ticks have run (lets in-memory frames settle). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Settles repeatedly until `cond()` holds; fails after `rounds` event-loop turns rather than a wall-clock time. */
export async function until(cond: () => boolean, rounds = 1000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    await settle();
  }
  throw new Error(`condition not reached after ${rounds} event-loop turns`);
}
