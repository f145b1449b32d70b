/**
 * Refusing an HTTP Upgrade on the raw socket (the server's 'upgrade' event has no response object):
 * a complete HTTP/1.1 answer, then the connection ends. Nothing is kept for a refused client.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused client has to read the answer and close before we destroy the socket. */
const LINGER_MS = 1_000;

/** Writes `status` with a short text body and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const body = `${message}\n`;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
  for (const [name, value] of Object.entries(extraHeaders)) head += `${name}: ${value}\r\n`;
  socket.on('error', () => {});
  socket.resume(); // drain whatever the client still sends, so closing does not turn into a reset
  socket.end(`${head}\r\n${body}`);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
