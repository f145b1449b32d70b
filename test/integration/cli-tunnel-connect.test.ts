import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseListen } from '../../harness/cli/commands/tunnel.ts';
import { reapAll, startAgent, startServer, tcpEcho, token } from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';
import { alive } from '../support/scenario-text.ts';

const BIN = fileURLToPath(new URL('../../bin/caplab.js', import.meta.url));

describe('caplab tunnel connect', function () {
  this.timeout(60_000);
  after(reapAll);

  it('splits --listen into host and port, and refuses what is not host:port', () => {
    assert.deepEqual(parseListen('127.0.0.1:2022'), { host: '127.0.0.1', port: '2022' });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: '0' });
    assert.throws(() => parseListen('2022'), { code: 'CAPLAB_ERR_USAGE' });
    assert.throws(() => parseListen('127.0.0.1:70000'), { code: 'CAPLAB_ERR_USAGE' });
  });

  it('opens a local port whose connections reach the agent\'s target, and exits 0 on SIGTERM', async () => {
    const echo = await tcpEcho();
    try {
      const server = await startServer();
      await startAgent(server.url, echo.address, 'box', 'alice');
      const child = spawn(process.execPath, [BIN, 'tunnel', 'connect', '--server', server.url, '--agent', 'box', '--listen', '127.0.0.1:0', '--token', token('cli', 'alice')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stderr.resume();
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: string) => {
          out += d;
          const m = /"url":"tcp:\/\/([^"]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      const [host, port] = url.split(':');
      const socket = net.connect({ host: host!, port: Number(port), allowHalfOpen: true });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      await once(socket, 'connect');
      socket.end('through caplab tunnel connect');
      await once(socket, 'end');
      socket.destroy();
      assert.equal(Buffer.concat(chunks).toString(), 'through caplab tunnel connect');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      assert.equal(alive(child.pid!), false);
    } finally {
      await echo.close();
    }
  });
});
