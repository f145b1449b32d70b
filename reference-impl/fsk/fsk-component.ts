/**
 * The fsk component: seed 001's FSK HTTP service (text <-> ggwave FSK audio as WAV), with a
 * worker-thread pool, admission control, timeouts and Prometheus metrics. Configured by the seed's
 * environment variables or the flags that mirror them (a flag wins). Its server code, and ggwave,
 * load only when it is started.
 */
import { defineComponent } from '../common/component.ts';

export const fskFlags = {
  maxWorkers: { kind: 'integer', help: 'worker threads, each with its own ggwave module (env MAX_WORKERS; default: one per core)' },
  maxConcurrentRequests: { kind: 'integer', help: '/encode + /decode requests at once, then 503 (env MAX_CONCURRENT_REQUESTS; default 50)' },
  requestTimeout: { kind: 'duration', help: 'deadline per request incl. queue wait, then 504, e.g. 30s (env REQUEST_TIMEOUT in seconds; default 30s)' },
  maxTextBytes: { kind: 'integer', help: 'longest /encode text in UTF-8 bytes, 1-140 (env MAX_TEXT_BYTES; default 140)' },
  maxUploadBytes: { kind: 'bytes', help: 'largest /decode body, e.g. 16MiB (env MAX_UPLOAD_BYTES; default 16MiB)' },
} as const;

export const fskComponent = defineComponent({
  describe: 'FSK HTTP service (seed 001): POST /encode text -> WAV, POST /decode WAV -> text, via ggwave; flags win over env',
  flags: fskFlags,
  async start(options, logger) {
    const [{ startFskServer }, { resolveFskConfig }] = await Promise.all([import('./fsk-server.ts'), import('./fsk-config.ts')]);
    return startFskServer(resolveFskConfig(options), options, logger);
  },
});
