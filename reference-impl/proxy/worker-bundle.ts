/**
 * How the primary starts its workers cheaply. A worker run as `node --import tsx worker-main.ts`
 * pays for tsx's loader, a transform-cache lookup per TypeScript file and undici's and pino's ~150
 * module files on every start: about 0.3 s of CPU each (measured: 3 workers ready in 600 ms on an
 * idle 2-core machine), which during a reload under load starves the workers still serving. Node 20
 * has no module compile cache (`module.enableCompileCache` is Node 22.1+) and no type stripping, so
 * the primary compiles worker-main.ts and everything it imports, dependencies included, into one
 * plain ESM file with esbuild once when it starts; workers then run that file with bare `node`
 * (3 workers ready in 190 ms, about 0.1 s of CPU each). The file is named after its content's hash
 * in the OS temp directory, so proxies running the same code share it and a changed source gets a
 * new file. If the compile fails, workers fall back to tsx (logged), which is slower but the same code.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../common/logger.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
/** Set to `tsx` to run workers through the tsx loader instead of the compiled file (debugging). */
export const WORKER_LOADER_ENV = 'CAPLAB_PROXY_WORKER_LOADER';
// bundled CommonJS dependencies (undici, pino) call require() for Node built-ins, which an ESM
// file does not have: give them one
const BANNER = "import { createRequire as __caplabCreateRequire } from 'node:module'; const require = __caplabCreateRequire(import.meta.url);";

/** What cluster.setupPrimary needs to start a worker. */
export interface WorkerEntry {
  exec: string;
  execArgv: string[];
  /** `bundle`: one compiled file run by bare node; `tsx`: the TypeScript sources through tsx */
  loader: 'bundle' | 'tsx';
}

let cached: Promise<WorkerEntry> | undefined;

/** The worker entry for this process, compiled on first use; falls back to tsx if compiling fails. */
export function workerEntry(logger: Logger): Promise<WorkerEntry> {
  cached ??= compile(logger);
  return cached;
}

function tsxEntry(): WorkerEntry {
  return { exec: WORKER_MAIN, execArgv: ['--import', import.meta.resolve('tsx')], loader: 'tsx' };
}

async function compile(logger: Logger): Promise<WorkerEntry> {
  if (process.env[WORKER_LOADER_ENV] === 'tsx') return tsxEntry();
  try {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [WORKER_MAIN], bundle: true, platform: 'node', format: 'esm', target: 'node20',
      write: false, logLevel: 'silent', banner: { js: BANNER }, legalComments: 'none',
    }).finally(() => esbuild.stop()); // its service process would otherwise live as long as the primary
    const code = out.outputFiles[0]!.contents;
    const file = join(tmpdir(), `caplab-proxy-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      // write then rename, so a proxy starting at the same moment never runs a half-written file
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    // e.g. CAPLAB_PROXY_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p' to profile a worker (NODE_OPTIONS refuses --cpu-prof)
    return { exec: file, execArgv: (process.env.CAPLAB_PROXY_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), loader: 'bundle' };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not compile the proxy worker into one file; workers start through tsx (slower)');
    return tsxEntry();
  }
}
