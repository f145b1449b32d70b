/**
 * One entry point for every reference component:
 *   node --import tsx reference-impl/main.ts <component> [flags]
 * runs it in the foreground. Logs go to stderr; stdout carries exactly one machine-readable line,
 * `{"event":"listening",...}` once it listens (or `{"event":"usage-error",...}` before exit 2),
 * which is how the local cluster provider learns the port it got from `--port 0`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningComponent } from './common/component.ts';
import { describeFlags, parseFlags } from './common/flags.ts';
import { installGracefulShutdown } from './common/graceful-shutdown.ts';
import { createLogger, type Logger } from './common/logger.ts';
import { UsageError } from './common/usage-error.ts';
import { COMPONENTS, componentNames } from './components.ts';

export type { RunningComponent } from './common/component.ts';

/** Set by the local cluster provider: drain and exit when stdin (a pipe from the harness) closes. */
export const EXIT_WITH_PARENT_ENV = 'CAPLAB_EXIT_WITH_PARENT';

/** Starts a component in this process; throws UsageError for an unknown name or a bad flag. */
export async function runComponent(name: string, argv: string[], logger: Logger = createLogger(name)): Promise<RunningComponent> {
  const def = COMPONENTS[name];
  if (def === undefined) {
    throw new UsageError('unknown-component', `unknown component '${name}' (known components: ${componentNames().join(', ')})`);
  }
  const options = parseFlags(def.flags, argv, `component ${name}`);
  return def.start(options, logger);
}

/**
 * Runs a component the way a deployment does: starts it, prints the `listening` line on stdout,
 * and drains then exits 0 on SIGTERM/SIGINT.
 */
export async function serveComponent(name: string, argv: string[]): Promise<RunningComponent> {
  const logger = createLogger(name);
  const running = await runComponent(name, argv, logger);
  installGracefulShutdown(running, { logger, exitWhenStdinCloses: process.env[EXIT_WITH_PARENT_ENV] === '1' });
  process.stdout.write(`${JSON.stringify({ event: 'listening', component: running.component, url: running.url })}\n`);
  return running;
}

/** The `--help` text: every component and its flags. */
export function componentsHelp(only?: string): string {
  const names = only !== undefined && COMPONENTS[only] ? [only] : componentNames();
  const lines: string[] = [];
  for (const name of names) {
    const def = COMPONENTS[name]!;
    lines.push(`${name}: ${def.describe}`, ...describeFlags(def.flags), '');
  }
  return lines.join('\n');
}

async function main(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    const usage = `usage: main.ts <component> [flags]\n\n${componentsHelp()}`;
    if (name === undefined) { process.stderr.write(usage); process.exitCode = 2; } else process.stdout.write(usage);
    return;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(componentsHelp(name));
    return;
  }
  try {
    await serveComponent(name, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stdout.write(`${JSON.stringify({ event: 'usage-error', kind: err.kind, message: err.message })}\n`);
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    // plain stderr, not the logger: a bad LOG_LEVEL is itself one way to fail here
    process.stderr.write(`component ${name} failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
