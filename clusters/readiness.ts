/**
 * Readiness: when a started component may receive load. A strategy interface with a static facade
 * (testcontainers' `Wait.forHttp` habit), so providers write `Ready.forHttp(url, '/health', 30_000)`
 * and later strategies (a log line, a Kubernetes condition) slot in beside it.
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { CaplabError } from '../harness/errors.ts';

export interface Readiness {
  /** what is being waited for, for messages */
  readonly description: string;
  /** Resolves when ready; rejects with CAPLAB_ERR_COMPONENT_NOT_READY at the timeout, or with the signal's reason on abort. */
  wait(signal?: AbortSignal): Promise<void>;
}

const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 500;
const MIN_ATTEMPT_MS = 100;
const MAX_ATTEMPT_MS = 2_000;

/** Polls an HTTP path with GET until it answers 2xx, backing off from 20 ms to 500 ms between tries. */
export class HttpReadiness implements Readiness {
  readonly description: string;
  private readonly url: URL;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, path: string, timeoutMs: number) {
    this.url = new URL(path, baseUrl);
    this.timeoutMs = timeoutMs;
    this.description = `GET ${this.url.href} answering 2xx`;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const deadline = performance.now() + this.timeoutMs;
    let backoff = FIRST_BACKOFF_MS;
    let last = 'no attempt finished';
    for (;;) {
      // an attempt near the deadline still gets MIN_ATTEMPT_MS, so the last result says something useful
      const remaining = deadline - performance.now();
      const outcome = await probe(this.url, Math.max(MIN_ATTEMPT_MS, Math.min(MAX_ATTEMPT_MS, remaining)), signal);
      if (outcome === 'ok') return;
      last = outcome;
      signal?.throwIfAborted();
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new CaplabError('CAPLAB_ERR_COMPONENT_NOT_READY', `${this.description} within ${this.timeoutMs} ms; last attempt: ${last}`);
      }
      await sleep(Math.min(backoff, left), signal);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }
}

/** The facade providers use to name a readiness strategy. */
export const Ready = {
  /** Ready when GET baseUrl+path answers 2xx, polled with backoff until timeoutMs. */
  forHttp(baseUrl: string, path: string, timeoutMs: number): Readiness {
    return new HttpReadiness(baseUrl, path, timeoutMs);
  },
};

/** One GET; 'ok' for 2xx, else a short description of what happened. Never rejects except on abort. */
function probe(url: URL, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    // agent: false, so no pooled keep-alive socket outlives the probe
    const req = get(url, { agent: false, timeout: timeoutMs, ...(signal ? { signal } : {}) }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? 'ok' : `status ${status}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs)} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal?.aborted) reject(signal.reason);
      else resolve(err.code ?? err.message);
    });
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
