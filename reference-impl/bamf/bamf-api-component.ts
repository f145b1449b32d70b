/** BAMF's stateless API tier (seed 003): management routes and the HTTP proxy to agents through bridges. */
import { defineComponent } from '../common/component.ts';

export const bamfApiFlags = {
  relayTimeout: { kind: 'duration', default: '30s', help: 'deadline for the answer (status and headers) to an /agents/... request, retries on another bridge included; then 504 (0 = none)' },
} as const;

export const bamfApiComponent = defineComponent({
  describe: 'BAMF API tier (seed 003): bridge registry and placement, HTTP proxy to agents through their bridge',
  flags: bamfApiFlags,
  async start(options, logger) {
    const { startBamfApi } = await import('./bamf-api-server.ts');
    return startBamfApi(options, logger);
  },
});
