import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../reference-impl/common/logger.ts';
import { UsageError } from '../../reference-impl/common/usage-error.ts';
import { runComponent, type RunningComponent } from '../../reference-impl/main.ts';
import { serveAction } from '../../harness/cli/commands/serve.ts';
import { CaplabError } from '../../harness/errors.ts';

const MAIN = fileURLToPath(new URL('../../reference-impl/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; ms: number; doneAt: number; localPort: number }

/** One HTTP request; `agent` lets a test reuse a keep-alive connection. */
function send(url: string, options: { method?: string; body?: Buffer; agent?: Agent } = {}): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', agent: options.agent ?? false }, (res) => {
      const localPort = res.socket.localPort!;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const doneAt = performance.now();
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), ms: doneAt - t0, doneAt, localPort });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const spawned: number[] = [];

/** Runs `reference-impl/main.ts` as a child, as a deployment would, and waits for its listening line. */
async function spawnMain(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: string[]; spawnedAt: number }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child.pid!);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const first = await new Promise<string | null>((resolve) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    rl.once('close', () => resolve(null));
  });
  if (first === null) return { child, url: '', stderr, spawnedAt };
  const event = JSON.parse(first) as { event: string; url: string };
  return { child, url: event.event === 'listening' ? event.url : '', stderr, spawnedAt };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code !== 'ESRCH'; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('echo component', function () {
  this.timeout(20_000);
  const silent = createLogger('echo', 'silent');
  const running: RunningComponent[] = [];
  const start = async (argv: string[]) => {
    const c = await runComponent('echo', ['--port', '0', ...argv], silent);
    running.push(c);
    return c;
  };

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.close(1_000)));
  });

  after(async () => {
    for (const pid of spawned) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await sleep(50);
    for (const pid of spawned) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} is still running`);
  });

  it('answers any method and path with 64 bytes and status 200 by default, over one keep-alive connection', async () => {
    const echo = await start([]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const clientPorts = new Set<number>();
      for (const [method, path] of [['GET', '/'], ['POST', '/a/b?c=d'], ['DELETE', '/x']] as const) {
        const reply = await send(`${echo.url}${path}`, { method, agent, ...(method === 'POST' ? { body: Buffer.alloc(3000) } : {}) });
        assert.equal(reply.status, 200);
        assert.equal(reply.body.length, 64);
        assert.equal(reply.headers['content-length'], '64');
        assert.equal(reply.headers.connection, 'keep-alive');
        clientPorts.add(reply.localPort);
      }
      assert.equal(clientPorts.size, 1, 'the three requests shared one connection');
    } finally {
      agent.destroy();
    }
  });

  it('sends --response-size bytes, accepting sizes such as 1KiB, with the --status given', async () => {
    const echo = await start(['--response-size', '1KiB', '--status', '503']);
    const reply = await send(`${echo.url}/anything`);
    assert.equal(reply.status, 503);
    assert.equal(reply.body.length, 1024);
  });

  it('sends no body for status 204 even with a response size', async () => {
    const echo = await start(['--status', '204', '--response-size', '100']);
    const reply = await send(`${echo.url}/`);
    assert.equal(reply.status, 204);
    assert.equal(reply.body.length, 0);
  });

  it('waits --delay before answering, but answers /health at once', async () => {
    const echo = await start(['--delay', '250ms']);
    const [slow, health] = await Promise.all([send(`${echo.url}/slow`), send(`${echo.url}/health`)]);
    assert.ok(slow.ms >= 245, `delayed reply took ${slow.ms} ms`);
    assert.ok(slow.ms < 1_000, `delayed reply took ${slow.ms} ms`);
    assert.ok(health.ms < 200, `health took ${health.ms} ms`);
    const body = JSON.parse(health.body.toString()) as { status: string; uptimeSeconds: number; inFlight: number };
    assert.equal(body.status, 'ok');
    assert.equal(body.inFlight, 1, 'the delayed request was in flight while /health answered');
    assert.equal(typeof body.uptimeSeconds, 'number');
  });

  it('counts echo requests and request body bytes on /metrics in Prometheus text', async () => {
    const echo = await start([]);
    await send(`${echo.url}/a`, { method: 'POST', body: Buffer.alloc(1500) });
    await send(`${echo.url}/b`, { method: 'PUT', body: Buffer.alloc(500) });
    await send(`${echo.url}/health`);
    const reply = await send(`${echo.url}/metrics`);
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = reply.body.toString();
    assert.match(text, /^# TYPE echo_requests_total counter$/m);
    assert.match(text, /^echo_requests_total 2$/m);
    assert.match(text, /^# TYPE echo_in_flight gauge$/m);
    assert.match(text, /^echo_in_flight 0$/m);
    assert.match(text, /^echo_request_body_bytes_total 2000$/m);
  });

  it('POST /admin/stall holds a request already in flight until the stall ends, while /health still answers', async () => {
    const echo = await start(['--delay', '100ms']);
    const inFlight = send(`${echo.url}/held`);
    await sleep(30);
    const stall = await send(`${echo.url}/admin/stall?for=600ms`, { method: 'POST' });
    assert.equal(stall.status, 202);
    const health = await send(`${echo.url}/health`);
    assert.ok(health.ms < 200, `health took ${health.ms} ms during the stall`);
    const arrivedDuring = send(`${echo.url}/arrived-during-stall`);
    const [held, during] = await Promise.all([inFlight, arrivedDuring]);
    assert.ok(held.ms >= 600, `a 100 ms request in flight when the 600 ms stall began took only ${held.ms} ms`);
    assert.ok(held.ms < 1_200, `held request took ${held.ms} ms`);
    assert.ok(Math.abs(held.doneAt - during.doneAt) < 150, 'both were released when the stall ended');
    const after = await send(`${echo.url}/after`);
    assert.ok(after.ms < 400, `a request after the stall took ${after.ms} ms`);
  });

  it('POST /admin/stall without a duration is refused with 400', async () => {
    const echo = await start([]);
    const reply = await send(`${echo.url}/admin/stall`, { method: 'POST' });
    assert.equal(reply.status, 400);
    assert.match(reply.body.toString(), /for=DURATION/);
  });

  it('rejects an unknown flag and a malformed size with messages naming the flag', async () => {
    await assert.rejects(runComponent('echo', ['--port', '0', '--respons-size', '1'], silent),
      (err: unknown) => err instanceof UsageError && err.kind === 'bad-flag' && /unknown flag --respons-size \(known flags: .*--response-size/.test(err.message));
    await assert.rejects(runComponent('echo', ['--port', '0', '--response-size', 'lots'], silent),
      (err: unknown) => err instanceof UsageError && /--response-size expects a size like 64, 1KiB or 2Mi, got 'lots'/.test(err.message));
    await assert.rejects(runComponent('echo', ['--port', '0', '--status', '42'], silent),
      (err: unknown) => err instanceof UsageError && /--status expects 200-599/.test(err.message));
    await assert.rejects(runComponent('nope', [], silent),
      (err: unknown) => err instanceof UsageError && err.kind === 'unknown-component' && /known components: ([\w-]+, )*echo[,)]/.test(err.message));
  });

  it('caplab serve maps an unknown component and a bad flag to coded errors', async () => {
    await assert.rejects(serveAction('nope', [], {}), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_UNKNOWN_COMPONENT'
      && /^unknown component: 'nope' \(known components: (\w[\w-]*, )*echo(, \w[\w-]*)*\)$/.test(err.message));
    await assert.rejects(serveAction('echo', ['--bogus'], { port: '0' }), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && /--bogus/.test(err.message));
    await assert.rejects(serveAction(undefined, [], {}), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE');
  });

  it('as a process, prints one listening line with its real port and exits 2 with a usage-error line on a bad flag', async () => {
    const ok = await spawnMain(['echo', '--port', '0']);
    assert.match(ok.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(ok.url).port, '0');
    assert.equal((await send(`${ok.url}/`)).status, 200);
    ok.child.kill('SIGTERM');
    assert.deepEqual(await exitOf(ok.child), { code: 0, signal: null });

    const bad = spawn(process.execPath, ['--import', TSX, MAIN, 'echo', '--delay', 'soon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(bad.pid!);
    const out: string[] = [];
    createInterface({ input: bad.stdout! }).on('line', (l) => out.push(l));
    assert.deepEqual(await exitOf(bad), { code: 2, signal: null });
    assert.equal(out.length, 1);
    assert.deepEqual(JSON.parse(out[0]!), { event: 'usage-error', kind: 'bad-flag', message: "component echo: flag --delay expects a duration like 200ms or 1.5s, got 'soon'" });
  });

  it('on SIGTERM stops accepting, finishes an in-flight delayed request, then exits 0', async () => {
    const { child, url, stderr } = await spawnMain(['echo', '--port', '0', '--delay', '700ms']);
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = send(`${url}/slow`, { agent });
      await sleep(150);
      const health = JSON.parse((await send(`${url}/health`)).body.toString()) as { inFlight: number };
      assert.equal(health.inFlight, 1);
      const signalledAt = performance.now();
      child.kill('SIGTERM');
      await sleep(100);
      await assert.rejects(send(`${url}/late`), { code: 'ECONNREFUSED' });
      const reply = await pending;
      assert.equal(reply.status, 200);
      assert.equal(reply.body.length, 64);
      assert.deepEqual(await exitOf(child), { code: 0, signal: null });
      assert.ok(performance.now() - signalledAt < 2_000, 'exited soon after the last response, not at the drain deadline');
      assert.ok(stderr.some((l) => /"msg":"draining"/.test(l)));
    } finally {
      agent.destroy();
    }
  });

  it('on SIGTERM cuts requests still in flight at --drain-timeout and still exits 0', async () => {
    const { child, url, stderr } = await spawnMain(['echo', '--port', '0', '--delay', '10s', '--drain-timeout', '300ms']);
    const pending = send(`${url}/very-slow`).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code);
    await sleep(150);
    const signalledAt = performance.now();
    child.kill('SIGTERM');
    assert.equal(await pending, 'ECONNRESET');
    assert.deepEqual(await exitOf(child), { code: 0, signal: null });
    assert.ok(performance.now() - signalledAt < 2_000);
    assert.ok(stderr.some((l) => /"abandoned":1/.test(l)), 'the cut request is logged');
  });

  it('--stall-at holds every request arriving in the window until it ends, counted from process start', async () => {
    // The window opens 2.5 s after the child starts (start-up takes well under that) and lasts 1 s.
    const { child, url, spawnedAt } = await spawnMain(['echo', '--port', '0', '--stall-at', '2500ms', '--stall-for', '1s']);
    try {
      const replies: Array<Promise<Reply & { sentAt: number }>> = [];
      while (performance.now() - spawnedAt < 4_200) {
        const sentAt = performance.now();
        replies.push(send(`${url}/tick`).then((r) => ({ ...r, sentAt })));
        await sleep(50);
      }
      const all = await Promise.all(replies);
      const held = all.filter((r) => r.ms > 150);
      assert.ok(held.length >= 10, `only ${held.length} requests were held`);
      const releasedAt = held.map((r) => r.doneAt);
      assert.ok(Math.max(...releasedAt) - Math.min(...releasedAt) < 150, 'all held requests were released together, at the end of the window');
      assert.ok(held[0]!.ms >= 800, `the first held request waited only ${held[0]!.ms} ms of a 1 s window`);
      const releasedSinceSpawn = Math.min(...releasedAt) - spawnedAt;
      assert.ok(releasedSinceSpawn >= 3_450 && releasedSinceSpawn < 3_900, `released ${releasedSinceSpawn} ms after spawn, expected about 3500`);
      const afterWindow = all.filter((r) => r.sentAt > Math.max(...releasedAt) + 20);
      assert.ok(afterWindow.length > 0 && afterWindow.every((r) => r.ms < 150), 'requests after the window are fast again');
      assert.ok(all.filter((r) => r.doneAt < Math.min(...releasedAt) - 20).every((r) => r.ms < 150), 'requests before the window were fast');
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('caplab serve runs a component in the foreground with --port and passes other flags through', async () => {
    const code = "const { serveCommand } = await import('./harness/cli/commands/serve.ts'); await serveCommand().parseAsync(process.argv.slice(1), { from: 'user' });";
    const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code, 'echo', '--response-size', '10', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(child.pid!);
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const { url } = JSON.parse(line) as { url: string };
    const reply = await send(`${url}/`);
    assert.equal(reply.body.length, 10);
    child.kill('SIGINT');
    assert.deepEqual(await exitOf(child), { code: 0, signal: null });
  });
});
