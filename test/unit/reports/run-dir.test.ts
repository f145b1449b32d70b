import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunResult } from '../../../reports/read-run-result.ts';
import { RUN_OUTPUTS, runDirName, slug, writeFileAtomic, writeRunOutputs } from '../../../reports/run-dir.ts';
import { exampleRunResult } from '../../fixtures/run-results/verdict-examples.ts';

describe('run-dir', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'caplab-run-dir-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names a run directory by UTC time and scenario slug', () => {
    const now = new Date(Date.UTC(2026, 0, 5, 3, 4, 9));
    assert.equal(runDirName({ scenario: 'echo-constant-rate' }, now), '20260105-030409-echo-constant-rate');
    assert.equal(runDirName({ scenario: 'Tunnel: 1000 conns / Überlast!' }, now), '20260105-030409-tunnel-1000-conns-uberlast');
  });

  it('slugs to safe, bounded, never-empty names', () => {
    assert.equal(slug('../../etc/passwd'), 'etc-passwd');
    assert.equal(slug('***'), 'run');
    assert.equal(slug('x'.repeat(100)).length, 60);
    assert.equal(slug(`a${'-'.repeat(58)}bc`), 'a-bc');
  });

  it('creates the directory and writes result.json, summary.md, junit.xml and report.html', async () => {
    const dir = join(root, 'runs', runDirName(exampleRunResult('critical'), new Date(Date.UTC(2026, 2, 14))));
    const result = exampleRunResult('critical');
    const written = await writeRunOutputs(dir, result, { failOn: 'critical' });
    assert.deepEqual(written, ['result.json', 'summary.md', 'junit.xml', 'report.html'].map((f) => join(dir, f)));
    assert.deepEqual((await readdir(dir)).sort(), ['junit.xml', 'report.html', 'result.json', 'summary.md']);
    assert.deepEqual(await readRunResult(join(dir, 'result.json')), result);
    assert.match(await readFile(join(dir, 'summary.md'), 'utf8'), /^## ❌ echo-constant-rate: CRITICAL/);
    assert.match(await readFile(join(dir, 'junit.xml'), 'utf8'), /<testsuite name="echo-constant-rate" tests="6" failures="5" errors="0"/);
    assert.match(await readFile(join(dir, 'report.html'), 'utf8'), /^<!doctype html>[\s\S]*<title>echo-constant-rate: CRITICAL<\/title>/);
  });

  it('replaces earlier outputs on a re-write and leaves no temp file behind', async () => {
    await writeRunOutputs(root, exampleRunResult('critical'), { failOn: 'critical' });
    await writeRunOutputs(root, exampleRunResult('good'), { failOn: 'critical' });
    assert.deepEqual((await readdir(root)).sort(), ['junit.xml', 'report.html', 'result.json', 'summary.md']);
    assert.equal((await readRunResult(join(root, 'result.json'))).verdict, 'good');
    assert.match(await readFile(join(root, 'summary.md'), 'utf8'), /^## ✅ /);
  });

  it('removes its temp file and leaves what was there when the rename fails', async () => {
    // A non-empty directory where the file should go makes the rename fail after the temp file was written.
    const blocked = join(root, 'result.json');
    await mkdir(join(blocked, 'sub'), { recursive: true });
    await assert.rejects(writeFileAtomic(blocked, 'new'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(await readdir(root), ['result.json']);
    assert.deepEqual(await readdir(blocked), ['sub']);
  });

  it('renders every output before writing any, so a failing renderer writes nothing', async () => {
    const broken = [...RUN_OUTPUTS, { file: 'report.html', render: (): string => { throw new Error('renderer bug'); } }];
    await assert.rejects(writeRunOutputs(join(root, 'out'), exampleRunResult('good'), { failOn: 'critical' }, broken), /renderer bug/);
    assert.deepEqual(await readdir(join(root, 'out')), []);
  });

  it('waits for a renderer that answers asynchronously, and writes nothing when it rejects', async () => {
    const rejecting = [...RUN_OUTPUTS, { file: 'late.txt', render: async (): Promise<string> => { throw new Error('async renderer bug'); } }];
    await assert.rejects(writeRunOutputs(join(root, 'out'), exampleRunResult('good'), { failOn: 'critical' }, rejecting), /async renderer bug/);
    assert.deepEqual(await readdir(join(root, 'out')), []);
  });

  it('writes an extra renderer given as one more output line', async () => {
    const outputs = [...RUN_OUTPUTS, { file: 'verdict.txt', render: (r: { verdict: string }): string => `${r.verdict}\n` }];
    const written = await writeRunOutputs(root, exampleRunResult('warning'), { failOn: 'critical' }, outputs);
    assert.equal(written.at(-1), join(root, 'verdict.txt'));
    assert.equal(await readFile(join(root, 'verdict.txt'), 'utf8'), 'warning\n');
  });
});
