/**
 * The fsk HTTP server: routes, admission control (MAX_CONCURRENT_REQUESTS, then 503 with
 * Retry-After), the worker pool with its REQUEST_TIMEOUT (504), /health, /metrics and the drain.
 * The HTTP thread only parses and routes; every ggwave call and WAV conversion runs in a worker,
 * so /health and /metrics answer at once however busy the workers are.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ComponentOptions, DrainReport, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../common/prometheus-text.ts';
import { decodeBodyBoundary, readDecodeUpload } from './decode-request.ts';
import { encodeBodyType, MAX_ENCODE_BODY_BYTES, parseEncodeRequest } from './encode-request.ts';
import type { fskFlags } from './fsk-component.ts';
import type { FskConfig } from './fsk-config.ts';
import { FskError, fromWire } from './fsk-error.ts';
import type { FskJob, FskResult } from './fsk-jobs.ts';
import { FskMetrics, type Endpoint } from './fsk-metrics.ts';
import { EXPOSED_PROTOCOLS } from './protocols.ts';
import { BodyState, fail, sendJson } from './body-state.ts';
import { readBody } from './request-body.ts';
import { JobTimeoutError, PoolClosedError, WorkerCrashError, WorkerPool, type JobOutcome } from './worker-pool.ts';

/** Long enough that a load generator's pooled connections are not closed between bursts. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** The seed's value: how long an overloaded client should wait before retrying. */
const RETRY_AFTER_SECONDS = 5;
/** Decoding is refused for longer audio; the longest message (140 B, audible-normal) lasts 13.6 s. */
const MAX_AUDIO_SECONDS = 60;

/** Starts the worker pool, then the HTTP server; resolves once both are ready. */
export async function startFskServer(config: FskConfig, options: ComponentOptions<typeof fskFlags>, logger: Logger): Promise<RunningComponent> {
  const startedAt = performance.now();
  const pool = new WorkerPool<FskJob, FskResult>({ size: config.maxWorkers, workerUrl: new URL('./fsk-worker-entry.mjs', import.meta.url), logger });
  try {
    await pool.start();
  } catch (err) {
    await pool.close();
    throw err;
  }
  const metrics = new FskMetrics();
  const server = createServer({ keepAlive: true, noDelay: true });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const lifecycle = new HttpLifecycle(server);
  const uptime = () => (performance.now() - startedAt) / 1000;

  const health = (res: ServerResponse) => {
    const s = pool.stats();
    const overloaded = metrics.active >= config.maxConcurrentRequests;
    const noWorker = s.idle + s.busy === 0;
    const status = lifecycle.draining ? 'draining' : overloaded || noWorker ? 'degraded' : 'ok';
    sendJson(res, status === 'ok' ? 200 : 503, {
      status,
      uptime_seconds: Math.round(uptime() * 100) / 100,
      requests_active: metrics.active,
      max_concurrent_requests: config.maxConcurrentRequests,
      queue_length: s.queued,
      workers: { total: s.size, busy: s.busy, idle: s.idle, starting: s.starting },
      worker_restarts: s.restarts,
      protocols: EXPOSED_PROTOCOLS.map((p) => p.name),
      limits: { max_text_bytes: config.maxTextBytes, max_upload_bytes: config.maxUploadBytes, request_timeout_ms: config.requestTimeoutMs, max_audio_seconds: MAX_AUDIO_SECONDS },
    });
  };

  /** Runs a job and turns the pool's failures into the HTTP errors clients see. */
  const runJob = async (job: FskJob, transfer: ArrayBuffer[]): Promise<JobOutcome<FskResult> & { ok: true }> => {
    let outcome: JobOutcome<FskResult>;
    try {
      outcome = await pool.run(job, transfer, config.requestTimeoutMs);
    } catch (err) {
      if (err instanceof JobTimeoutError) {
        throw new FskError(504, 'timeout', `the request took longer than REQUEST_TIMEOUT (${config.requestTimeoutMs} ms) ${err.phase === 'queued' ? 'waiting for a free worker' : 'in its worker, which was replaced'}`);
      }
      if (err instanceof PoolClosedError) throw new FskError(503, 'draining', 'the service is shutting down');
      if (err instanceof WorkerCrashError) throw new FskError(500, 'internal', `the worker handling this request died: ${err.message}`);
      throw err;
    }
    metrics.queueWaitSeconds.observe(outcome.queueWaitMs / 1000);
    if (!outcome.ok) {
      if (job.kind === 'decode') metrics.decodeSeconds.observe(outcome.computeMs / 1000);
      throw fromWire(outcome.error);
    }
    (job.kind === 'encode' ? metrics.encodeSeconds : metrics.decodeSeconds).observe(outcome.computeMs / 1000);
    return outcome;
  };

  const encode = async (req: IncomingMessage, res: ServerResponse, body: BodyState) => {
    const type = encodeBodyType(req.headers['content-type']);
    body.allowContinue(MAX_ENCODE_BODY_BYTES, 'an /encode body');
    const job = parseEncodeRequest(await body.read(() => readBody(req, MAX_ENCODE_BODY_BYTES, 'an /encode body')), type, config.maxTextBytes);
    const { result, computeMs, queueWaitMs } = await runJob(job, []);
    if (result.kind !== 'encode') throw new Error('encode job returned a decode result');
    res.writeHead(200, {
      'content-type': 'audio/wav',
      'content-length': result.wav.length,
      'content-disposition': 'attachment; filename="encoded.wav"',
      'x-fsk-protocol': result.protocol,
      'x-fsk-samples': result.samples,
      'x-processing-ms': computeMs.toFixed(1),
      'x-queue-wait-ms': queueWaitMs.toFixed(1),
    });
    res.end(Buffer.from(result.wav.buffer, result.wav.byteOffset, result.wav.byteLength));
  };

  const decode = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, body: BodyState) => {
    const boundary = decodeBodyBoundary(req.headers['content-type']);
    body.allowContinue(config.maxUploadBytes, 'a /decode upload');
    const upload = await body.read(() => readDecodeUpload(req, boundary, query, config.maxUploadBytes));
    // move the bytes to the worker rather than copy them, unless they share a buffer with other data
    const wav = upload.wav.byteOffset === 0 && upload.wav.byteLength === upload.wav.buffer.byteLength ? new Uint8Array(upload.wav.buffer) : new Uint8Array(upload.wav);
    const job: FskJob = { kind: 'decode', wav, maxAudioSeconds: MAX_AUDIO_SECONDS, ...(upload.protocol ? { protocol: upload.protocol } : {}) };
    const { result, computeMs, queueWaitMs } = await runJob(job, [wav.buffer as ArrayBuffer]);
    if (result.kind !== 'decode') throw new Error('decode job returned an encode result');
    sendJson(res, 200, { success: true, ...withoutKind(result), processing_ms: round1(computeMs), queue_wait_ms: round1(queueWaitMs) });
  };

  const admit = (req: IncomingMessage, res: ServerResponse, endpoint: 'encode' | 'decode', query: URLSearchParams, body: BodyState) => {
    if (lifecycle.draining) { fail(res, new FskError(503, 'draining', 'the service is shutting down'), body); return; }
    if (metrics.active >= config.maxConcurrentRequests) {
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      fail(res, new FskError(503, 'overloaded', 'Service temporarily overloaded', { retry_after_seconds: RETRY_AFTER_SECONDS }), body);
      return;
    }
    metrics.active++;
    res.once('close', () => { metrics.active--; });
    const work = endpoint === 'encode' ? encode(req, res, body) : decode(req, res, query, body);
    work.catch((err: unknown) => {
      const e = err instanceof FskError ? err : new FskError(500, 'internal', `internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (e.status === 500) logger.error({ err }, 'fsk request failed');
      else logger.debug({ status: e.status, code: e.code, msg: e.message }, 'fsk request refused');
      fail(res, e, body);
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const t0 = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const endpoint: Endpoint = path === '/encode' ? 'encode' : path === '/decode' ? 'decode' : path === '/health' ? 'health' : path === '/metrics' ? 'metrics' : 'other';
    // 499, as nginx logs it: the connection closed before a response was sent
    res.once('close', () => metrics.recordRequest(endpoint, res.writableFinished ? res.statusCode : 499, (performance.now() - t0) / 1000));
    const method = req.method ?? 'GET';
    const body = new BodyState(req, res, expectsContinue);
    if ((endpoint === 'health' || endpoint === 'metrics') && (method === 'GET' || method === 'HEAD')) {
      req.resume();
      if (endpoint === 'health') health(res);
      else {
        const text = metrics.render(pool.stats(), uptime());
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
    } else if ((endpoint === 'encode' || endpoint === 'decode') && method === 'POST') {
      admit(req, res, endpoint, query, body);
    } else if (endpoint === 'other') {
      fail(res, new FskError(404, 'not_found', `no route ${path}; the routes are POST /encode, POST /decode, GET /health, GET /metrics`), body);
    } else {
      res.setHeader('allow', endpoint === 'encode' || endpoint === 'decode' ? 'POST' : 'GET, HEAD');
      fail(res, new FskError(405, 'method_not_allowed', `${method} is not allowed on ${path}`), body);
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, false));
  // curl sends `Expect: 100-continue` with large uploads: answering before "100 Continue" refuses a body that was never sent
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true));
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: err.message, code: err.code }, 'client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const url = await lifecycle.listen(options.host, options.port);
  logger.info({ url, ...config, protocols: EXPOSED_PROTOCOLS.map((p) => p.name) }, 'fsk listening');

  let closing: Promise<DrainReport> | undefined;
  return {
    component: 'fsk',
    url,
    close: (deadlineMs = options.drainTimeout) => {
      closing ??= lifecycle.drain(deadlineMs).then(async (report) => { await pool.close(); return report; });
      return closing;
    },
  };
}

function withoutKind<T extends { kind: string }>(value: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = value;
  return rest;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;
