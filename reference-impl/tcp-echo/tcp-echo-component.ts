/**
 * The tcp-echo component: a raw TCP server that writes back every byte it reads and half-closes
 * when the client does, the target of bulk throughput tests (the tcp driver with `expect: echo`).
 * It speaks no HTTP, so its listening URL is tcp://host:port and the local provider skips the
 * HTTP readiness probe for it: listening is ready.
 */
import { defineComponent } from '../common/component.ts';

export const tcpEchoComponent = defineComponent({
  describe: 'raw TCP echo: writes back every byte it reads, half-closes after the client does (throughput target)',
  flags: {},
  async start(options, logger) {
    const { startTcpEcho } = await import('./tcp-echo-server.ts');
    return startTcpEcho(options.host, options.port, options.drainTimeout, logger);
  },
});
