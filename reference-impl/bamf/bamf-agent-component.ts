/** BAMF agents (seed 003): a fleet of agents in one process, each with a tunnel to a bridge the API assigns. */
import { defineComponent } from '../common/component.ts';

export const bamfAgentFlags = {
  api: { kind: 'string', help: 'base URL of the BAMF API tier (required)' },
  localTarget: { kind: 'string', help: 'host:port every agent forwards its streams to (required)' },
  count: { kind: 'integer', default: '1', help: 'agents in this process' },
  agentPrefix: { kind: 'string', default: 'agent', help: 'agents are named <prefix>-1 .. <prefix>-<count>' },
} as const;

export const bamfAgentComponent = defineComponent({
  describe: 'BAMF agents (seed 003): tunnels to bridges placed by the API; move to another bridge when theirs drains',
  flags: bamfAgentFlags,
  async start(options, logger) {
    const { startBamfAgents } = await import('./bamf-agent-fleet.ts');
    return startBamfAgents(options, logger);
  },
});
