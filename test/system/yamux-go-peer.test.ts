/**
 * Wire compatibility of reference-impl/tunnel/yamux with Go's github.com/hashicorp/yamux (Debian's
 * golang-github-hashicorp-yamux-dev), over loopback TCP, with the Go peer in both yamux roles.
 * Needs `go` (CI installs golang-go + the yamux package with scripts/install-system-deps.sh).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { YamuxSession, type SessionRole } from '../../reference-impl/tunnel/yamux/index.ts';
import { readAll } from '../unit/reference-impl/tunnel/yamux/session-pair.ts';

/**
 * Waits for `cond` while a separate Go process does its part: event-loop turns say nothing about
 * another process's progress, so this one is bounded by time (10 s), not by turns.
 */
async function eventually(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const PEER_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'go-yamux-peer', 'main.go');
const GOPATH = '/usr/share/gocode';
const MiB = 1024 * 1024;

/** The Go peer's test pattern: byte i = i % 251. */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function goInstalled(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).error === undefined;
}

/** Builds the peer into `dir` (GOPATH mode against Debian's package; no network, nothing in the repo). */
function buildPeer(dir: string): string {
  const binary = path.join(dir, 'go-yamux-peer');
  const result = spawnSync('go', ['build', '-o', binary, PEER_SOURCE], {
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOPROXY: 'off', GOFLAGS: '', GOCACHE: path.join(dir, 'cache') },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `go build failed (is golang-github-hashicorp-yamux-dev installed under ${GOPATH}?):\n${result.stderr}`);
  return binary;
}

/** Starts the peer (Go keepalive every 100 ms, so JS answers pings throughout) and resolves its port. */
async function startPeer(binary: string, role: SessionRole, window: number): Promise<{ child: ChildProcess; port: number }> {
  const args = ['-role', role, '-window', String(window), '-keepalive', '100ms', '-lifetime', '30s'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`go peer exited early with ${code}: ${out}`)));
  });
  return { child, port };
}

/** Opens a stream, sends a command line and optional payload, half-closes, returns the whole answer. */
async function command(session: YamuxSession, line: string, payload?: Buffer): Promise<Buffer> {
  const stream = await session.open();
  const answer = readAll(stream);
  stream.write(`${line}\n`);
  if (payload) for (let off = 0; off < payload.length; off += MiB) stream.write(payload.subarray(off, off + MiB));
  stream.end();
  return answer;
}

describe('yamux wire compatibility with Go hashicorp/yamux over TCP', function () {
  let dir = '';
  let binary = '';

  before(function () {
    if (!goInstalled()) {
      this.skip(); // reason: `go` is not on PATH; CI installs golang-go via scripts/install-system-deps.sh
    }
    this.timeout(120_000);
    dir = mkdtempSync(path.join(tmpdir(), 'caplab-go-yamux-'));
    binary = buildPeer(dir);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const setups = [
    { goRole: 'server', goWindow: 256 * 1024, jsWindow: 256 * 1024 },
    { goRole: 'client', goWindow: 256 * 1024, jsWindow: 256 * 1024 },
    { goRole: 'server', goWindow: 16 * MiB, jsWindow: MiB }, // windows above 256 KiB, advertised on SYN/ACK, unequal
  ] as const;
  for (const { goRole, goWindow, jsWindow } of setups) {
    const jsRole: SessionRole = goRole === 'server' ? 'client' : 'server';

    describe(`Go as yamux ${goRole} (window ${goWindow / 1024} KiB), JS as yamux ${jsRole} (window ${jsWindow / 1024} KiB)`, () => {
      let child: ChildProcess | undefined;
      let port = 0;
      let session: YamuxSession;

      before(async () => {
        ({ child, port } = await startPeer(binary, goRole, goWindow));
      });

      after(async () => {
        if (child && child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill();
          await exited;
        }
      });

      beforeEach(async () => {
        const socket = net.connect(port, '127.0.0.1');
        await once(socket, 'connect');
        session = new YamuxSession(socket, jsRole, { maxStreamWindowSize: jsWindow });
        // Streams the Go side opens are echoed.
        void (async () => {
          for await (const stream of session) {
            stream.on('error', () => {});
            stream.pipe(stream);
          }
        })();
      });

      afterEach(async () => {
        await session.close();
      });

      it('a JS-opened stream gets 3 MiB echoed by Go intact (window updates both ways)', async () => {
        const data = pattern(3 * MiB + 17);
        const echoed = await command(session, 'echo', data);
        assert.equal(echoed.length, data.length);
        assert.equal(sha256(echoed), sha256(data));
        await eventually(() => session.numStreams === 0);
      });

      it('JS sends 3 MiB to Go and Go computes the same sha256', async () => {
        const data = pattern(3 * MiB + 5);
        const answer = (await command(session, 'sink', data)).toString();
        assert.equal(answer, `${sha256(data)} ${data.length}\n`);
      });

      it('Go sends 3 MiB to JS and JS computes the sha256 of the pattern', async () => {
        const received = await command(session, 'source 3145733');
        assert.equal(received.length, 3_145_733);
        assert.equal(sha256(received), sha256(pattern(3_145_733)));
      });

      it('streams Go opens are accepted, ACKed and echoed by JS (4 x 1.5 MiB)', async () => {
        const answer = (await command(session, `open 4 ${1.5 * MiB}`)).toString();
        assert.equal(answer, 'ok 4\n');
        await eventually(() => session.numStreams === 0);
      });

      it('pings go both ways', async () => {
        const rtt = await session.ping();
        assert.ok(Number.isFinite(rtt) && rtt >= 0);
        assert.match((await command(session, 'ping')).toString(), /^rtt \d+\n$/);
      });

      it('after Go sends GoAway, JS cannot open new streams', async () => {
        const goaway = once(session, 'goaway');
        assert.equal((await command(session, 'goaway')).toString(), 'ok\n');
        await goaway;
        await assert.rejects(session.open(), { code: 'YAMUX_ERR_REMOTE_GOAWAY' });
      });

      it('after JS sends GoAway, Go cannot open new streams', async () => {
        session.goAway();
        assert.equal((await command(session, 'open-refused')).toString(), 'refused remote end is not accepting connections\n');
      });

      it('a JS close (GoAway, then end of the transport) makes Go close its end cleanly', async () => {
        await command(session, 'ping');
        await session.close();
        assert.equal(await session.closed, undefined);
      });
    });
  }
});
