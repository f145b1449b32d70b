/** BAMF's stateful bridge tier (seed 003): holds agent tunnels (yamux over WebSocket), relays the API's requests, migrates tunnels on drain. */
import { defineComponent } from '../common/component.ts';

export const bamfBridgeFlags = {
  api: { kind: 'string', help: 'base URL of the BAMF API tier (required), e.g. http://127.0.0.1:8080' },
  id: { kind: 'string', help: 'bridge id in the API (default bridge-<pid>)' },
} as const;

export const bamfBridgeComponent = defineComponent({
  describe: 'BAMF bridge tier (seed 003): agent tunnels over yamux, relay from the API, tunnel migration on drain',
  flags: bamfBridgeFlags,
  async start(options, logger) {
    const { startBamfBridge } = await import('./bamf-bridge-server.ts');
    return startBamfBridge(options, logger);
  },
});
