/** The tcp-echo server: pipe each connection into itself, with backpressure (see tcp-echo-component.ts). */
import net from 'node:net';
import type { RunningComponent } from '../common/component.ts';
import type { Logger } from '../common/logger.ts';

export async function startTcpEcho(host: string, port: number, drainTimeoutMs: number, logger: Logger): Promise<RunningComponent> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // pipe() pauses reading while the write side is full, and ends our side after the client's FIN.
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address() as net.AddressInfo;
  const url = `tcp://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  logger.info({ url }, 'tcp-echo listening');
  let closing: Promise<{ abandoned: number }> | null = null;
  return {
    component: 'tcp-echo',
    url,
    close: (deadlineMs = drainTimeoutMs) => (closing ??= (async () => {
      server.close();
      const started = performance.now();
      while (sockets.size > 0 && performance.now() - started < deadlineMs) await new Promise((r) => setTimeout(r, 20));
      const abandoned = sockets.size;
      for (const s of sockets) s.destroy();
      return { abandoned };
    })()),
  };
}
