import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkBaselineName, listBaselines, loadBaseline, saveBaseline } from '../../../../reports/compare/baseline-store.ts';
import { CompareError } from '../../../../reports/compare/compare-error.ts';
import { syntheticResult } from './synthetic-results.ts';

const run = (day: number, seed = day) => syntheticResult({ p95Ms: 10, seconds: 5, seed, startedAt: `2026-03-${String(day).padStart(2, '0')}T09:00:00.000Z` });

describe('baseline store', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'caplab-baselines-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('keeps several runs under one name and loads them oldest first', async () => {
    await saveBaseline(dir, 'main', run(3));
    await saveBaseline(dir, 'main', run(1));
    await saveBaseline(dir, 'main', run(2));
    const runs = await loadBaseline(dir, 'main');
    assert.deepEqual(runs.map((r) => r.startedAt.slice(0, 10)), ['2026-03-01', '2026-03-02', '2026-03-03']);
    assert.deepEqual(runs[0]!.series, run(1).series);
  });

  it('saves the same run twice as two files, not one overwritten', async () => {
    const a = await saveBaseline(dir, 'main', run(1));
    const b = await saveBaseline(dir, 'main', run(1));
    assert.notEqual(a, b);
    assert.equal((await loadBaseline(dir, 'main')).length, 2);
  });

  it('prunes the oldest runs past keep', async () => {
    for (const day of [1, 2, 3, 4]) await saveBaseline(dir, 'main', run(day), 2);
    assert.deepEqual((await loadBaseline(dir, 'main')).map((r) => r.startedAt.slice(8, 10)), ['03', '04']);
    await assert.rejects(saveBaseline(dir, 'main', run(5), 0), /--keep 0 is not a positive whole number/);
  });

  it('lists baselines by name with their runs', async () => {
    await saveBaseline(dir, 'release-1.2', run(1));
    await saveBaseline(dir, 'main', run(2));
    await saveBaseline(dir, 'main', run(3));
    const list = await listBaselines(dir);
    assert.deepEqual(list.map((b) => [b.name, b.runs.length, b.runs[0]!.scenario]), [['main', 2, 'echo-constant-rate'], ['release-1.2', 1, 'echo-constant-rate']]);
  });

  it('refuses names that are paths or empty, and says what a name may hold', () => {
    for (const bad of ['', '../main', 'a/b', '.hidden', 'x'.repeat(65), 'a..b', 'ma in']) {
      assert.throws(() => checkBaselineName(bad), (e: unknown) => e instanceof CompareError && /is not allowed/.test(e.message) && /letters, digits/.test(e.hint), JSON.stringify(bad));
    }
    assert.equal(checkBaselineName('release-1.2_rc'), 'release-1.2_rc');
  });

  it('treats a missing directory as no baselines, and a load from it says how to save one', async () => {
    const missing = path.join(dir, 'nope');
    assert.deepEqual(await listBaselines(missing), []);
    await assert.rejects(loadBaseline(missing, 'main'), (e: unknown) => e instanceof CompareError && /no baseline named "main"/.test(e.message) && /caplab baseline save result\.json --name main --dir /.test(e.hint));
  });

  it('names the known baselines when asked for an unknown one', async () => {
    await saveBaseline(dir, 'main', run(1));
    await assert.rejects(loadBaseline(dir, 'mian'), (e: unknown) => e instanceof CompareError && e.hint === 'known baselines: main');
  });

  it('reports an empty baseline directory and a file there that is not a run result', async () => {
    await mkdir(path.join(dir, 'empty'));
    await assert.rejects(loadBaseline(dir, 'empty'), /baseline "empty" in .* holds no runs/);
    await saveBaseline(dir, 'main', run(1));
    await writeFile(path.join(dir, 'main', 'stray.json'), '{"hello":1}');
    await assert.rejects(loadBaseline(dir, 'main'), /stray\.json is not a caplab run result/);
    assert.equal((await readdir(path.join(dir, 'main'))).length, 2);
  });
});
