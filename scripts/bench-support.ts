/** Small pieces every benchmark script needs: its numeric options and stopping what it started. */
import type { ChildProcess } from 'node:child_process';

/** `--name value` on the command line, positive, with a default. */
export function positiveOption(argv: readonly string[], name: string, fallback: number): number {
  const value = numberOption(argv, name, fallback);
  if (value <= 0) throw new Error(`--${name} expects a positive number`);
  return value;
}

/** `--name value` on the command line, 0 or more, with a default. */
export function nonNegativeOption(argv: readonly string[], name: string, fallback: number): number {
  const value = numberOption(argv, name, fallback);
  if (value < 0) throw new Error(`--${name} expects 0 or a positive number`);
  return value;
}

function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(argv[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} expects a number`);
  return value;
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
