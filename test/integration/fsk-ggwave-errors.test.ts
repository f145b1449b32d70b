import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadGgwave } from '../../reference-impl/fsk/ggwave-module.ts';

const TSX = import.meta.resolve('tsx');
const LOADER = import.meta.resolve('../../reference-impl/fsk/ggwave-module.ts');
const GGWAVE = createRequire(import.meta.url).resolve('ggwave');
const pids: number[] = [];

/** Runs an ES module snippet in a fresh node (with tsx); resolves with its exit code and output. */
function runSnippet(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    pids.push(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout, stderr }));
  });
}

describe('ggwave module loading: process-wide side effects undone', function () {
  this.timeout(30_000);

  after(() => {
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} is still running`);
  });

  it('leaves this process\'s uncaughtException and unhandledRejection listeners exactly as they were', async () => {
    const before = [process.listeners('uncaughtException'), process.listeners('unhandledRejection')];
    const gg = await loadGgwave();
    assert.equal(typeof gg.encode, 'function');
    assert.deepEqual([process.listeners('uncaughtException'), process.listeners('unhandledRejection')], before);
  });

  it('without the fix, ggwave turns a later uncaught error into exit 7 and a dump of its minified source (the trap)', async () => {
    const { code, stderr } = await runSnippet(`
      import { createRequire } from 'node:module';
      await createRequire(import.meta.url)(${JSON.stringify(GGWAVE)})({ print() {}, printErr() {} });
      setTimeout(() => { throw new Error('a later failure'); }, 10);`);
    assert.equal(code, 7);
    assert.ok(stderr.length > 100_000, `stderr is ${stderr.length} characters`);
  });

  it('after loadGgwave, a later uncaught error surfaces as Node reports it: its message and exit 1', async () => {
    const { code, stderr, stdout } = await runSnippet(`
      const { loadGgwave } = await import(${JSON.stringify(LOADER)});
      const gg = await loadGgwave();
      const tx = gg.init(gg.getDefaultParameters());
      gg.encode(tx, 'quiet', gg.ProtocolId.GGWAVE_PROTOCOL_AUDIBLE_FAST, 10);
      setTimeout(() => { throw new Error('a later failure'); }, 10);`);
    assert.equal(code, 1);
    assert.match(stderr, /Error: a later failure/);
    assert.ok(stderr.length < 5_000, `stderr is ${stderr.length} characters`);
    assert.equal(stdout, '', 'encode printed nothing on stdout');
  });

  it('after loadGgwave, a later unhandled rejection surfaces too', async () => {
    const { code, stderr } = await runSnippet(`
      const { loadGgwave } = await import(${JSON.stringify(LOADER)});
      await loadGgwave();
      setTimeout(() => { void Promise.reject(new Error('a later rejection')); }, 10);`);
    assert.equal(code, 1);
    assert.match(stderr, /a later rejection/);
  });

  it('after loadGgwave, a process-level handler installed later sees the error and the process lives on', async () => {
    const { code, stdout } = await runSnippet(`
      const { loadGgwave } = await import(${JSON.stringify(LOADER)});
      await loadGgwave();
      process.on('uncaughtException', (err) => { console.log('handled: ' + err.message); });
      setTimeout(() => { throw new Error('a later failure'); }, 10);
      setTimeout(() => console.log('still alive'), 50);`);
    assert.equal(code, 0);
    assert.equal(stdout, 'handled: a later failure\nstill alive\n');
  });
});
