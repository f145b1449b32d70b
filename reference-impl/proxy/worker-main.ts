/**
 * Entry of a proxy worker process (forked by proxy-primary.ts through node:cluster). Signals are
 * the primary's business: a worker ignores them and drains when the primary says so, and exits
 * when the primary goes away (cluster workers do on IPC disconnect).
 */
import { createLogger } from '../common/logger.ts';
import { WORKER_ENV, type ToPrimary, type ToWorker, type WorkerSetup } from './proxy-ipc.ts';
import { startProxyWorker } from './proxy-worker.ts';

const setup = JSON.parse(process.env[WORKER_ENV] ?? 'null') as WorkerSetup | null;
if (setup === null || process.send === undefined) {
  process.stderr.write('proxy worker-main.ts runs only as a worker forked by the proxy component\n');
  process.exit(2);
}
for (const sig of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.on(sig, () => {});
const logger = createLogger('proxy-worker');
const send = (msg: ToPrimary, done?: () => void): void => { process.send!(msg, undefined, undefined, () => done?.()); };
const handle = await startProxyWorker(setup, send, logger, (code) => process.exit(code));
process.on('message', (msg: ToWorker) => handle.onMessage(msg));
send({ t: 'ready', port: handle.port });
