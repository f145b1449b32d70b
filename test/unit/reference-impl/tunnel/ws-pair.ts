/** Test helper: two connected WebSockets over loopback, as the tunnel uses them (no compression, zero mask). */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface WsPair { client: WebSocket; server: WebSocket; close(): Promise<void> }

export async function wsPair(): Promise<WsPair> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, generateMask: (m) => { m.fill(0); } });
  await once(client, 'open');
  const [server] = await accepted;
  return {
    client,
    server,
    close: async () => {
      for (const ws of [client, server]) if (ws.readyState !== ws.CLOSED) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** Resolves after pending I/O callbacks have run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Turns the event loop until `cond()` holds; fails after `rounds` turns rather than after a wall-clock time. */
export async function until(cond: () => boolean, rounds = 20_000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    await turn();
  }
  throw new Error(`condition not reached after ${rounds} event-loop turns`);
}
