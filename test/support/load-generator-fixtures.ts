/** What the load-generator tests start: a target with a fixed delay, and generator processes as a Job's pods run them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { LOAD_GENERATOR_ENTRY } from '../../harness/run/load-generator-local.ts';

const TSX = import.meta.resolve('tsx');

/** An HTTP server in this process answering every request after `delayMs`. */
export async function startDelayedTarget(delayMs: number): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => { req.resume(); setTimeout(() => res.end('ok'), delayMs); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => { server.closeAllConnections(); server.close(); },
  };
}

export interface StartedGenerator { child: ChildProcess; url: string; port: number; exit: Promise<number | null>; stderr: string[] }

/** Starts `load-generator-process.ts --listen 127.0.0.1:0 ...args` and waits for its listening line. */
export async function startGenerator(args: string[], env: Record<string, string>): Promise<StartedGenerator> {
  const child = spawn(process.execPath, ['--import', TSX, LOAD_GENERATOR_ENTRY, '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = JSON.parse(l) as { event: string; url: string };
      if (m.event === 'listening') resolve(m.url);
    });
    void exit.then((code) => reject(new Error(`generator exited ${code} before listening: ${stderr.join(' | ')}`)));
  });
  return { child, url, port: Number(new URL(url).port), exit, stderr };
}
