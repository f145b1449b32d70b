import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSampler } from '../../../../clusters/providers/process-sampler.ts';

/** Busy-waits so this process uses CPU the sampler can see. */
function burn(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error('unreachable');
}

describe('ProcessSampler', () => {
  const fakeRoots: string[] = [];
  after(() => { for (const d of fakeRoots) rmSync(d, { recursive: true, force: true }); });

  /** A fake /proc with one process, so the arithmetic is checked on known numbers. */
  function fakeProc(pid: number, stat: string, status: string, uptime: string): string {
    const root = mkdtempSync(join(tmpdir(), 'caplab-proc-'));
    fakeRoots.push(root);
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'self', 'stat'), '');
    mkdirSync(join(root, String(pid)));
    writeFileSync(join(root, String(pid), 'stat'), stat);
    writeFileSync(join(root, String(pid), 'status'), status);
    writeFileSync(join(root, 'uptime'), uptime);
    return root;
  }

  it('measures this process: CPU while it spins, and an RSS close to what Node reports', async () => {
    const sampler = new ProcessSampler();
    assert.equal(sampler.unavailable, undefined);
    await sampler.sample(process.pid);
    burn(300);
    const usage = await sampler.sample(process.pid);
    assert.ok(usage);
    assert.equal(usage.pid, process.pid);
    // 300 ms of spinning on one thread: about 100% of a core, less if the machine is busy
    assert.ok(usage.cpuPercent > 20, `cpu ${usage.cpuPercent}%`);
    assert.ok(usage.cpuPercent < 100 * 8, `cpu ${usage.cpuPercent}%`);
    const rss = process.memoryUsage().rss;
    assert.ok(Math.abs(usage.rssBytes - rss) / rss < 0.25, `sampled ${usage.rssBytes} B, Node says ${rss} B`);
  });

  it('reports about 0% CPU for an interval in which the process slept', async () => {
    const sampler = new ProcessSampler();
    await sampler.sample(process.pid);
    await new Promise((r) => setTimeout(r, 400));
    const usage = await sampler.sample(process.pid);
    assert.ok(usage);
    assert.ok(usage.cpuPercent < 30, `cpu ${usage.cpuPercent}% while sleeping`);
  });

  it('gives the CPU average since process start on the first sample, reading fields after a comm with spaces and parentheses', async () => {
    // utime 150 + stime 50 ticks = 2 s of CPU; started at tick 1000 (10 s after boot); uptime 14 s -> 4 s alive -> 50%
    const fields = ['S', ...Array.from({ length: 10 }, () => '0'), '150', '50', ...Array.from({ length: 6 }, () => '0'), '1000', '0'];
    const root = fakeProc(4242, `4242 (my (odd) proc) ${fields.join(' ')}\n`, 'Name:\tx\nVmRSS:\t   2048 kB\nThreads:\t1\n', '14.00 20.00\n');
    const usage = await new ProcessSampler(root).sample(4242);
    assert.deepEqual(usage, { pid: 4242, cpuPercent: 50, rssBytes: 2048 * 1024 });
  });

  it('returns null for a process that is gone or a zombie', async () => {
    const fields = ['Z', ...Array.from({ length: 20 }, () => '0')];
    const root = fakeProc(7, `7 (dead) ${fields.join(' ')}\n`, 'Name:\tdead\n', '1.0 1.0\n');
    const sampler = new ProcessSampler(root);
    assert.equal(await sampler.sample(7), null);
    assert.equal(await sampler.sample(8), null);
  });

  it('is marked unavailable, with the reason, where /proc is absent', async () => {
    const sampler = new ProcessSampler(join(tmpdir(), 'caplab-no-such-proc'));
    assert.match(sampler.unavailable ?? '', /is not mounted/);
    assert.equal(await sampler.sample(process.pid), null);
  });
});
