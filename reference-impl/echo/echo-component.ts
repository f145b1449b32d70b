/**
 * The echo component: the simplest load-test target, with knobs for response size, status,
 * latency and a stall. Its server code loads only when it is started.
 */
import { defineComponent } from '../common/component.ts';

export const echoFlags = {
  responseSize: { kind: 'bytes', default: '64', help: 'response body size, e.g. 64 or 1KiB' },
  status: { kind: 'integer', default: '200', help: 'HTTP status of every echo response (200-599)' },
  delay: { kind: 'duration', default: '0ms', help: 'time before each echo response, e.g. 200ms' },
  stallAt: { kind: 'duration', help: 'open a stall window this long after process start, e.g. 5s' },
  stallFor: { kind: 'duration', default: '1s', help: 'length of the --stall-at window' },
  cpuWork: { kind: 'integer', default: '0', help: 'rounds of SHA-256 each echo computes before answering (a CPU-bound handler for capacity sweeps, ~1 µs a round); 0 = none' },
} as const;

export const echoComponent = defineComponent({
  describe: 'HTTP/1.1 server answering any method and path with a fixed-size body (load-test target)',
  flags: echoFlags,
  async start(options, logger) {
    const { startEchoServer } = await import('./echo-server.ts');
    return startEchoServer(options, logger);
  },
});
