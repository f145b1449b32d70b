/**
 * The agent's end of a stream: a TCP connection to the local target, joined to the stream both
 * ways. If the target cannot be reached the stream is reset, which the server turns into a 502 (or
 * a closed connection in connect mode).
 */
import net from 'node:net';
import { bridge } from './bridge.ts';
import type { YamuxStream } from './yamux/index.ts';

export interface LocalTarget { host: string; port: number }

/** Parses `host:port` (`[v6]:port` too; port 0 only if `allowPortZero`, for listening); throws a plain Error naming the problem. */
export function parseHostPort(text: string, allowPortZero = false): LocalTarget {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < (allowPortZero ? 0 : 1) || port > 65_535) throw new Error(`expected host:port, e.g. 127.0.0.1:8080, got '${text}'`);
  return { host: m[1] ?? m[2]!, port };
}

/** Dials the target and joins it to `stream`; resolves when both are closed. */
export function forwardToLocal(stream: YamuxStream, target: LocalTarget, connectTimeoutMs: number): Promise<{ ok: boolean }> {
  // allowHalfOpen: the target's FIN must not end our writing side, the stream may still carry data to it
  const socket = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
  socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error(`connect to ${target.host}:${target.port} timed out`)));
  socket.once('connect', () => socket.setTimeout(0));
  return bridge(stream, socket);
}
