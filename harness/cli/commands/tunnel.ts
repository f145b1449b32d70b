/**
 * `caplab tunnel connect --server URL --agent ID --listen 127.0.0.1:2022 --token T`: the seed's
 * `kuberde-cli connect`. A local port whose connections become streams to the agent's local
 * target; it is the `tunnel-connect` reference component run in the foreground, as `caplab serve`
 * runs any component.
 */
import { Command } from 'commander';
import { CaplabError } from '../../errors.ts';
import { serveAction } from './serve.ts';

interface ConnectOpts { server: string; agent: string; listen: string; token?: string; tokenSecret?: string; owner?: string }

/** Splits `host:port` (or `[::1]:port`) for the component's --host/--port. */
export function parseListen(listen: string): { host: string; port: string } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[3]) > 65535) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `--listen ${listen} is not host:port`, { hint: 'write e.g. --listen 127.0.0.1:2022' });
  }
  return { host: (m[1] ?? m[2])!, port: m[3]! };
}

export function tunnelCommand(): Command {
  const tunnel = new Command('tunnel').description('use a caplab tunnel server (seed 000) from this machine');
  tunnel.addCommand(new Command('connect')
    .description('open a local port whose connections become streams to an agent\'s local target')
    .requiredOption('--server <url>', 'tunnel server base URL, e.g. http://127.0.0.1:8080')
    .requiredOption('--agent <id>', 'agent id')
    .option('--listen <host:port>', 'local address to accept connections on', '127.0.0.1:2022')
    .option('--token <token>', 'bearer token of the agent\'s owner')
    .option('--token-secret <secret>', 'mint tokens with this HS256 secret instead of --token (dev)')
    .option('--owner <owner>', 'owner of minted tokens (with --token-secret)')
    .action(async (o: ConnectOpts) => {
      const { host, port } = parseListen(o.listen);
      const args = ['--server', o.server, '--agent', o.agent];
      if (o.token !== undefined) args.push('--token', o.token);
      if (o.tokenSecret !== undefined) args.push('--token-secret', o.tokenSecret);
      if (o.owner !== undefined) args.push('--owner', o.owner);
      await serveAction('tunnel-connect', args, { host, port });
    }));
  return tunnel;
}
