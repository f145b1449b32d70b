/**
 * The `tcp:` driver: one iteration opens a TCP connection, writes `send` bytes from one prebuilt
 * chunk (waiting for 'drain' whenever the socket buffer is full, so memory stays at one chunk
 * however fast the target), half-closes, and with `expect: echo` reads the same number of bytes
 * back. It records the iteration's throughput (bytes sent per second, from connect to the last
 * byte back) in tunnel_throughput, the bytes in data_sent/data_received, and a failure rate in
 * tcp_transfer_failed. Failures are data, never rejections (see driver.ts).
 */
import { connect, type Socket } from 'node:net';
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, RateHandle, TrendHandle } from '../metrics/recorder.ts';
import type { Driver, DriverDeps, IterationContext } from './driver.ts';
import type { TcpDriverConfig } from './tcp-schema.ts';

export interface TcpAddress { host: string; port: number }

/**
 * Where a tcp target points: a component's endpoint (tcp://host:port, or http://host:port whose
 * host:port is used as is) or a tcp:// URL written in the scenario.
 */
export function tcpAddress(target: string, endpoints: Readonly<Record<string, string>>): TcpAddress {
  const raw = Object.prototype.hasOwnProperty.call(endpoints, target) ? endpoints[target]! : target;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`tcp target "${target}" is neither a component nor a tcp://host:port URL`);
  }
  if (!/^(tcp|https?):$/.test(url.protocol) || url.port === '') throw new Error(`tcp target "${target}" (${raw}) needs an explicit host:port`);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

export function createTcpDriver(config: TcpDriverConfig, deps: DriverDeps): Driver {
  return new TcpDriver(config, deps);
}

class TcpDriver implements Driver {
  private readonly address: TcpAddress;
  /** one buffer, written again and again: the bytes' content does not matter, only their count */
  private readonly chunk: Buffer;
  private readonly throughput: TrendHandle;
  private readonly sent: CounterHandle;
  private readonly received: CounterHandle;
  private readonly failed: RateHandle;
  private readonly open = new Set<Socket>();

  constructor(private readonly config: TcpDriverConfig, private readonly deps: DriverDeps) {
    this.address = tcpAddress(config.target, deps.endpoints);
    this.chunk = Buffer.alloc(Math.min(config.chunk, config.send), 0x5a);
    const { recorder, tags } = deps;
    this.throughput = recorder.trend(M.tunnelThroughput, tags);
    this.sent = recorder.counter(M.dataSent, tags);
    this.received = recorder.counter(M.dataReceived, tags);
    this.failed = recorder.rate(M.tcpTransferFailed, tags);
  }

  async iterate(ctx: IterationContext): Promise<void> {
    if (ctx.signal.aborted) return;
    const started = this.deps.clock.now();
    const outcome = await this.transfer(ctx.signal);
    // An iteration cut off by the hard stop is neither a failure nor a throughput sample.
    if (outcome === 'aborted') return;
    this.failed.add(outcome !== 'ok');
    if (outcome === 'ok') {
      const seconds = Math.max(this.deps.clock.now() - started, 0.001) / 1000;
      this.throughput.add(this.config.send / seconds);
    }
  }

  /** One transfer: 'ok', 'aborted', or a short reason it failed. Never rejects. */
  private transfer(signal: AbortSignal): Promise<string> {
    const { send, expect, idleTimeout } = this.config;
    const socket = connect({ host: this.address.host, port: this.address.port, allowHalfOpen: true, noDelay: true });
    this.open.add(socket);
    return new Promise<string>((resolve) => {
      let done = false;
      let written = 0;
      let received = 0;
      const finish = (outcome: string): void => {
        if (done) return;
        done = true;
        clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
        this.open.delete(socket);
        socket.destroy();
        resolve(outcome);
      };
      const onAbort = (): void => finish('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      let idle = setTimeout(() => finish('idle timeout'), idleTimeout);
      const moved = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => finish('idle timeout'), idleTimeout);
      };
      const pump = (): void => {
        // Write until the socket asks us to wait; 'drain' resumes. The last chunk may be partial.
        while (!done && written < send) {
          const n = Math.min(this.chunk.length, send - written);
          const buf = n === this.chunk.length ? this.chunk : this.chunk.subarray(0, n);
          written += n;
          this.sent.add(n);
          const more = socket.write(buf);
          moved();
          if (!more) return;
        }
        if (!done && written >= send) socket.end();
      };
      socket.on('drain', pump);
      socket.once('connect', pump);
      socket.on('data', (buf: Buffer) => {
        received += buf.length;
        this.received.add(buf.length);
        moved();
        if (expect === 'echo' && received >= send) finish(received === send ? 'ok' : 'more bytes echoed than sent');
      });
      socket.on('end', () => {
        if (expect === 'none') finish('ok');
        else finish(`closed after ${received} of ${send} bytes echoed`);
      });
      socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
      socket.on('close', () => finish('closed'));
    });
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}
