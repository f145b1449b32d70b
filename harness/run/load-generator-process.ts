/**
 * Entry of a load-generator process (`caplab run --load-generators N`, and the reference image's
 * `load-generator` argument in a Kubernetes Indexed Job):
 *
 *   load-generator-process.ts --listen HOST:PORT [--init-timeout 120s]
 *
 * It listens for one coordinator on a WebSocket (load-generator-server.ts), prints one JSON line
 * `{"event":"listening","url":"ws://HOST:PORT"}` on stdout (port 0: the port it got), and runs the
 * shard the coordinator's `init` names. CAPLAB_LOADGEN_TOKEN, when set, is required on the
 * upgrade; JOB_COMPLETION_INDEX, when set (Kubernetes sets it in an Indexed Job), must equal the
 * shard index of `init`. Exit codes: 0 done, 1 failed or lost the coordinator, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../plan/units.ts';
import { TOKEN_ENV } from './load-generator-protocol.ts';
import { serveCoordinator } from './load-generator-server.ts';

const USAGE = 'usage: load-generator --listen HOST:PORT [--init-timeout 120s]';

function usage(problem: string): never {
  process.stderr.write(`load-generator: ${problem}\n${USAGE}\n`);
  process.exit(2);
}

function parseListen(v: string | undefined): { host: string; port: number } {
  if (v === undefined) usage('--listen is required (the coordinator dials each generator)');
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(v);
  if (!m || Number(m[2]) > 65535) usage(`--listen ${v} is not HOST:PORT`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

let args;
try {
  args = parseArgs({ options: { listen: { type: 'string' }, 'init-timeout': { type: 'string', default: '120s' } }, strict: true }).values;
} catch (err) {
  usage((err as Error).message);
}
const { host, port } = parseListen(args.listen);
const initTimeoutMs = parseDuration(args['init-timeout']!) ?? usage(`--init-timeout ${args['init-timeout']} is not a duration such as 30s`);
const index = process.env.JOB_COMPLETION_INDEX;
if (index !== undefined && !/^\d+$/.test(index)) usage(`JOB_COMPLETION_INDEX=${index} is not a whole number`);

const log = (line: string): void => { process.stderr.write(`load-generator: ${line}\n`); };
const server = await serveCoordinator({
  host, port, initTimeoutMs, log,
  token: process.env[TOKEN_ENV] ?? '',
  ...(index !== undefined ? { expectedShard: Number(index) } : {}),
});
process.stdout.write(`${JSON.stringify({ event: 'listening', component: 'load-generator', url: server.url })}\n`);
// SIGTERM (pod deletion, the local launcher's stop) ends the process; the coordinator sees the link close.
process.once('SIGTERM', () => process.exit(1));
process.exitCode = await server.exitCode;
// Sockets of the load just run may keep the loop alive a little; nothing is left to send.
setTimeout(() => process.exit(), 2_000).unref();
