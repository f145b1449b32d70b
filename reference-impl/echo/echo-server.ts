/**
 * The echo server. Every route other than /health, /metrics and /admin/stall answers with
 * --response-size bytes and --status after --delay, held further by any open stall window. The
 * request path does no logging and no allocation beyond Node's own (and --cpu-work's digests): it is
 * what load is measured on.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../common/prometheus-text.ts';
import { parseDuration } from '../common/units.ts';
import { burnCpu } from './cpu-work.ts';
import { UsageError } from '../common/usage-error.ts';
import type { echoFlags } from './echo-component.ts';
import { StallSchedule } from './stall-schedule.ts';

/** Long enough that a load generator's pooled connections are not closed between bursts. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Starts the echo server and resolves once it listens. */
export async function startEchoServer(options: ComponentOptions<typeof echoFlags>, logger: Logger): Promise<RunningComponent> {
  if (options.status < 200 || options.status > 599) {
    throw new UsageError('bad-flag', `component echo: flag --status expects 200-599, got ${options.status}`);
  }
  const startedAt = performance.now();
  const stalls = new StallSchedule();
  if (options.stallAt !== undefined) stalls.add(options.stallAt, options.stallFor);

  const status = options.status;
  const delayMs = options.delay;
  if (options.cpuWork < 0) throw new UsageError('bad-flag', `component echo: flag --cpu-work expects 0 or more rounds, got ${options.cpuWork}`);
  const cpuWork = options.cpuWork;
  let lastDigest: Buffer = Buffer.alloc(32);
  const bodyAllowed = status !== 204 && status !== 304;
  const body = Buffer.alloc(bodyAllowed ? options.responseSize : 0, 'x');
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };

  let requestsTotal = 0;
  let inFlight = 0;
  let requestBodyBytes = 0;
  let stallsTotal = options.stallAt !== undefined ? 1 : 0;

  const server = createServer({ keepAlive: true, noDelay: true });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const lifecycle = new HttpLifecycle(server);

  const send = (res: ServerResponse) => {
    if (res.destroyed) return; // the client went away while we waited
    const until = stalls.heldUntil();
    if (until !== null) {
      // timers run on whole milliseconds and may fire a fraction early, so re-check on wake-up
      setTimeout(send, Math.max(1, Math.ceil(until - performance.now())), res);
      return;
    }
    res.writeHead(status, headers);
    res.end(body);
  };

  const echo = (req: IncomingMessage, res: ServerResponse) => {
    requestsTotal++;
    if (cpuWork > 0) lastDigest = burnCpu(cpuWork, lastDigest);
    inFlight++;
    res.once('close', () => { inFlight--; });
    req.on('data', (chunk: Buffer) => { requestBodyBytes += chunk.length; });
    req.once('end', () => {
      if (delayMs > 0) setTimeout(send, delayMs, res);
      else send(res);
    });
  };

  const health = (res: ServerResponse) => {
    const draining = lifecycle.draining;
    const payload = {
      status: draining ? 'draining' : 'ok',
      uptimeSeconds: Math.round((performance.now() - startedAt) / 10) / 100,
      inFlight,
    };
    json(res, draining ? 503 : 200, payload);
  };

  const metrics = (res: ServerResponse) => {
    const text = renderPrometheusText([
      { name: 'echo_requests_total', help: 'Echo requests received (not /health, /metrics or /admin).', type: 'counter', samples: [{ value: requestsTotal }] },
      { name: 'echo_in_flight', help: 'Echo requests received and not yet answered.', type: 'gauge', samples: [{ value: inFlight }] },
      { name: 'echo_request_body_bytes_total', help: 'Request body bytes read and discarded.', type: 'counter', samples: [{ value: requestBodyBytes }] },
      { name: 'echo_stalls_total', help: 'Stall windows scheduled by --stall-at or POST /admin/stall.', type: 'counter', samples: [{ value: stallsTotal }] },
    ]);
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const adminStall = (query: string, res: ServerResponse) => {
    const forText = new URLSearchParams(query).get('for');
    const forMs = forText === null ? null : parseDuration(forText);
    if (forMs === null || forMs <= 0) {
      json(res, 400, { error: 'POST /admin/stall needs ?for=DURATION, e.g. ?for=1s' });
      return;
    }
    const until = stalls.startNow(forMs);
    stallsTotal++;
    logger.info({ forMs }, 'stall started by POST /admin/stall');
    json(res, 202, { stalledForMs: forMs, endsInMs: Math.round(until - performance.now()) });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method;
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) { req.resume(); health(res); return; }
    if (path === '/metrics' && (method === 'GET' || method === 'HEAD')) { req.resume(); metrics(res); return; }
    if (path === '/admin/stall' && method === 'POST') {
      req.resume();
      req.once('end', () => adminStall(q === -1 ? '' : url.slice(q + 1), res));
      return;
    }
    echo(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: err.message, code: err.code }, 'client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const url = await lifecycle.listen(options.host, options.port);
  logger.info({ url, responseSize: body.length, status, delayMs, stallAt: options.stallAt ?? null }, 'echo listening');

  return {
    component: 'echo',
    url,
    close: (deadlineMs = options.drainTimeout) => lifecycle.drain(deadlineMs),
  };
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
