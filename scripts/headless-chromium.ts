/**
 * Headless Chromium over the DevTools protocol, for the report screenshot and the HTML report's
 * system test. It speaks CDP over the `ws` package we already depend on: the handful of methods
 * needed (open a page, collect console messages, errors and requests, evaluate, screenshot) do
 * not justify puppeteer-core's dependency tree, and the system Chromium (Debian `chromium`) is
 * driven as installed. Every browser is started by pid and stopped by that pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** What a page said while it loaded and ran. */
export interface PageLog {
  /** console.error/warn calls and Log entries at error/warning level, as text */
  consoleErrors: string[];
  consoleWarnings: string[];
  /** uncaught exceptions */
  pageErrors: string[];
  /** every URL the page requested, the page itself included */
  requests: string[];
}

/** A page open in the browser. */
export interface Page {
  log: PageLog;
  /** evaluates an expression in the page (awaiting a promise) and returns its JSON value */
  evaluate<T>(expression: string): Promise<T>;
  /** a PNG of the whole page, `width` CSS pixels wide */
  screenshot(): Promise<Buffer>;
}

/** How a page is opened: its viewport in CSS pixels (default 1000 × 800) and whether scripts run (default true). */
export interface PageOptions { width?: number; height?: number; javaScript?: boolean }

/** A running headless Chromium. */
export interface Browser {
  pid: number;
  /** opens `url` in a new page and resolves after its load event; `javaScript: false` shows the page as a browser without scripts would */
  open(url: string, options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Chromium executable: `$CHROMIUM_PATH`, else the first of chromium, chromium-browser, google-chrome on PATH; null when none. */
export function findChromium(): string | null {
  if (process.env['CHROMIUM_PATH']) return process.env['CHROMIUM_PATH'];
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

/** Starts Chromium headless with a throwaway profile and connects to its DevTools endpoint. */
export async function launchChromium(executable: string, timeoutMs = 30_000): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'caplab-chromium-'));
  const args = [
    '--headless', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--mute-audio',
    // Chromium's sandbox cannot start as root (CI containers); it protects against hostile pages, and we open our own file.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ];
  const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // Chromium's helper processes may still be writing into the profile for a moment after the browser exits.
  const cleanup = (): void => rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  let endpoint: string;
  try {
    endpoint = await devtoolsEndpoint(child, timeoutMs);
  } catch (err) {
    await stop(child);
    cleanup();
    throw err;
  }
  const cdp = await Cdp.connect(endpoint);
  return {
    pid: child.pid!,
    open: (url, options = {}) => openPage(cdp, url, options, timeoutMs),
    async close() {
      await cdp.send('Browser.close').catch(() => undefined);
      cdp.close();
      // Browser.close lets Chromium shut its helpers down in order; SIGTERM only if it has not exited by then.
      await stop(child, 5_000);
      cleanup();
    },
  };
}

// Chromium prints `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID` on stderr once ready.
function devtoolsEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => done(new Error(`chromium printed no DevTools endpoint within ${timeoutMs} ms:\n${stderr.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString('utf8');
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) done(null, m[1]);
    };
    const onExit = (code: number | null): void => done(new Error(`chromium exited (code ${code}) before it was ready:\n${stderr.slice(-2000)}`));
    const done = (err: Error | null, url?: string): void => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining stderr so a chatty browser never blocks on a full pipe.
      child.stderr!.resume();
      if (err) reject(err);
      else resolve(url!);
    };
    const onError = (err: Error): void => done(err);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Waits `graceMs` for the browser to exit by itself, then SIGTERM, then SIGKILL after 5 s more. */
async function stop(child: ChildProcess, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs + 5_000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}

type Params = Record<string, unknown>;
type EventHandler = (params: Params, sessionId: string | undefined) => void;

/** One DevTools connection: numbered commands answered by id, events fanned out by method. */
class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: Params): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, EventHandler[]>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as CdpMessage));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('DevTools connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
      socket.once('open', () => resolve(new Cdp(socket)));
      socket.once('error', reject);
    });
  }

  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(method: string, handler: EventHandler): void {
    this.handlers.set(method, [...(this.handlers.get(method) ?? []), handler]);
  }

  close(): void {
    this.socket.close();
  }

  private receive(msg: CdpMessage): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else p.resolve(msg.result ?? {});
      return;
    }
    for (const h of this.handlers.get(msg.method ?? '') ?? []) h(msg.params ?? {}, msg.sessionId);
  }
}

interface CdpMessage { id?: number; method?: string; params?: Params; result?: Params; error?: { code: number; message: string }; sessionId?: string }

async function openPage(cdp: Cdp, url: string, options: PageOptions, timeoutMs: number): Promise<Page> {
  const viewport = { width: options.width ?? 1000, height: options.height ?? 800 };
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const send = (method: string, params: Params = {}): Promise<Params> => cdp.send(method, params, sessionId);
  const log: PageLog = { consoleErrors: [], consoleWarnings: [], pageErrors: [], requests: [] };
  const mine = (handler: (p: Params) => void): EventHandler => (p, s) => { if (s === sessionId) handler(p); };
  cdp.on('Runtime.consoleAPICalled', mine((p) => {
    const text = ((p['args'] as { value?: unknown; description?: string }[]) ?? []).map((a) => String(a.value ?? a.description ?? '')).join(' ');
    if (p['type'] === 'error' || p['type'] === 'assert') log.consoleErrors.push(text);
    if (p['type'] === 'warning') log.consoleWarnings.push(text);
  }));
  cdp.on('Log.entryAdded', mine((p) => {
    const entry = p['entry'] as { level: string; text: string; url?: string };
    const text = `${entry.text}${entry.url ? ` (${entry.url})` : ''}`;
    if (entry.level === 'error') log.consoleErrors.push(text);
    if (entry.level === 'warning') log.consoleWarnings.push(text);
  }));
  cdp.on('Runtime.exceptionThrown', mine((p) => {
    const d = p['exceptionDetails'] as { text: string; exception?: { description?: string } };
    log.pageErrors.push(d.exception?.description ?? d.text);
  }));
  cdp.on('Network.requestWillBeSent', mine((p) => log.requests.push((p['request'] as { url: string }).url)));
  const loaded = new Promise<void>((resolve) => cdp.on('Page.loadEventFired', mine(() => resolve())));
  await Promise.all([send('Page.enable'), send('Runtime.enable'), send('Log.enable'), send('Network.enable')]);
  await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false });
  if (options.javaScript === false) await send('Emulation.setScriptExecutionDisabled', { value: true });
  const navigated = await send('Page.navigate', { url });
  if (navigated['errorText']) throw new Error(`chromium could not open ${url}: ${String(navigated['errorText'])}`);
  await withTimeout(loaded, timeoutMs, `${url} did not fire its load event within ${timeoutMs} ms`);

  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    const ex = r['exceptionDetails'] as { text: string; exception?: { description?: string } } | undefined;
    if (ex) throw new Error(`page evaluation failed: ${ex.exception?.description ?? ex.text}`);
    return (r['result'] as { value: T }).value;
  };
  return {
    log,
    evaluate,
    async screenshot() {
      const height = await evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
      await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height, deviceScaleFactor: 1, mobile: false });
      const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
      return Buffer.from(shot['data'] as string, 'base64');
    },
  };
}

/** Resolves when `predicate` (a page expression) is true, polling every 100 ms; rejects after `timeoutMs`. */
export async function waitFor(page: Page, predicate: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${predicate})`))) {
    if (Date.now() > deadline) throw new Error(`page condition not met within ${timeoutMs} ms: ${predicate}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
