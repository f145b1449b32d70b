/**
 * The `tunnel-connect` component: the connect-mode client (connect-client.ts) started by the local
 * provider like any component, listening on --host/--port; its URL is tcp://host:port, so the
 * provider skips the HTTP readiness probe. In scenarios it mints its own token of --owner with
 * --token-secret, as the agent does, so no credential file is needed on loopback.
 */
import { defineComponent } from '../common/component.ts';
import { UsageError } from '../common/usage-error.ts';

export const tunnelConnectFlags = {
  server: { kind: 'string', help: 'tunnel server base URL, e.g. http://127.0.0.1:8080 (required)' },
  agent: { kind: 'string', help: 'agent id to connect to (required)' },
  token: { kind: 'string', help: 'bearer token of the agent\'s owner' },
  tokenSecret: { kind: 'string', help: 'HS256 secret: mint tokens of --owner (instead of --token)' },
  owner: { kind: 'string', help: 'owner of the minted tokens' },
  tokenTtl: { kind: 'duration', default: '1h', help: 'lifetime of minted tokens' },
  connectTimeout: { kind: 'duration', default: '10s', help: 'deadline to open the session with the server' },
  streamWindow: { kind: 'bytes', default: '1MiB', help: 'yamux receive window per stream' },
} as const;

export const tunnelConnectComponent = defineComponent({
  describe: 'tunnel connect client: every TCP connection to it becomes a stream to --agent\'s local target through --server',
  flags: tunnelConnectFlags,
  async start(o, logger) {
    const { ConnectClient } = await import('./connect-client.ts');
    const { mintedToken, staticToken } = await import('./token-source.ts');
    const fail = (message: string): never => { throw new UsageError('bad-flag', `tunnel-connect: ${message}`); };
    if (o.server === undefined || !/^(https?|wss?):\/\//.test(o.server)) fail('--server needs the server URL, e.g. http://127.0.0.1:8080');
    if (o.agent === undefined) fail('--agent is required');
    if ((o.token === undefined) === (o.tokenSecret === undefined)) fail('give exactly one of --token, --token-secret');
    if (o.tokenSecret !== undefined && o.owner === undefined) fail('--token-secret needs --owner');
    const client = new ConnectClient({
      serverUrl: o.server!,
      agentId: o.agent!,
      listen: { host: o.host, port: o.port },
      tokens: o.token !== undefined ? staticToken(o.token) : mintedToken(o.tokenSecret!, `connect-${o.agent!}`, o.owner!, o.tokenTtl),
      connectTimeoutMs: o.connectTimeout,
      yamux: { maxStreamWindowSize: o.streamWindow },
      logger,
    });
    const url = await client.start();
    return { component: 'tunnel-connect', url, close: (deadlineMs = o.drainTimeout) => client.close(deadlineMs) };
  },
});
