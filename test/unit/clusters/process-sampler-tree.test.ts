import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSampler } from '../../../clusters/providers/process-sampler.ts';

/** A fake /proc: pid -> children, utime ticks and RSS. */
async function fakeProc(root: string, procs: Record<number, { children: number[]; ticks: number; rssKiB: number }>): Promise<void> {
  await writeFile(join(root, 'uptime'), '1000.00 900.00\n');
  await mkdir(join(root, 'self'), { recursive: true });
  await writeFile(join(root, 'self', 'stat'), '1 (self) S');
  for (const [pid, p] of Object.entries(procs)) {
    await mkdir(join(root, pid, 'task', pid), { recursive: true });
    // fields after "(comm) ": state ppid ... utime(11) stime(12) ... starttime(19)
    const fields = ['S', '1', ...Array(9).fill('0'), String(p.ticks), '0', ...Array(6).fill('0'), '90000'];
    await writeFile(join(root, pid, 'stat'), `${pid} (node worker) ${fields.join(' ')}\n`);
    await writeFile(join(root, pid, 'status'), `Name:\tnode\nVmRSS:\t${p.rssKiB} kB\n`);
    await writeFile(join(root, pid, 'task', pid, 'children'), p.children.map((c) => `${c} `).join(''));
  }
}

describe('ProcessSampler process trees', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'caplab-proc-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('finds every descendant through the children files and sums RSS and CPU over the tree', async () => {
    await fakeProc(dir, { 100: { children: [101, 102], ticks: 0, rssKiB: 1000 }, 101: { children: [103], ticks: 0, rssKiB: 200 }, 102: { children: [], ticks: 0, rssKiB: 300 }, 103: { children: [], ticks: 0, rssKiB: 400 } });
    const sampler = new ProcessSampler(dir);
    assert.deepEqual((await sampler.descendants(100)).sort(), [101, 102, 103]);
    const first = await sampler.sampleTree(100);
    assert.deepEqual(first && [first.pid, first.rssBytes], [100, (1000 + 200 + 300 + 400) * 1024]);
    // the workers burn CPU, the primary does not: the tree shows it, the root alone would not
    await fakeProc(dir, { 100: { children: [101, 102], ticks: 0, rssKiB: 1000 }, 101: { children: [103], ticks: 50, rssKiB: 200 }, 102: { children: [], ticks: 50, rssKiB: 300 }, 103: { children: [], ticks: 0, rssKiB: 400 } });
    const rootOnly = new ProcessSampler(dir);
    await rootOnly.sample(100);
    const tree = await sampler.sampleTree(100);
    const root = await rootOnly.sample(100);
    assert.equal(root!.cpuPercent, 0);
    assert.ok(tree!.cpuPercent > 0, `tree CPU ${tree!.cpuPercent}`);
  });

  it('answers null for a gone root and skips a descendant that vanished', async () => {
    await fakeProc(dir, { 100: { children: [101, 999], ticks: 0, rssKiB: 1000 }, 101: { children: [], ticks: 0, rssKiB: 100 } });
    const sampler = new ProcessSampler(dir);
    assert.equal(await sampler.sampleTree(4242), null);
    assert.equal((await sampler.sampleTree(100))!.rssBytes, 1100 * 1024);
  });
});
