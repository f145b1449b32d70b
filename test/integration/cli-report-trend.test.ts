import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticResult } from '../unit/reports/compare/synthetic-results.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');

function caplab(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

/** The trend section of a report.html file. */
function trendOf(file: string): string {
  const html = readFileSync(file, 'utf8');
  const i = html.indexOf('<section id="trend">');
  assert.ok(i >= 0, `${file} has a trend section`);
  return html.slice(i, html.indexOf('</section>', i));
}

describe('the trend across stored runs from the command line', function () {
  this.timeout(180_000);
  let dir: string;
  let baselines: string;
  let fresh: string;
  const file = (name: string, p95Ms: number, seed: number, day: number): string => {
    const f = path.join(dir, name);
    writeFileSync(f, JSON.stringify(syntheticResult({ p95Ms, seconds: 30, seed, startedAt: `2026-03-${day}T09:00:00.000Z` })));
    return f;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'caplab-trend-'));
    baselines = path.join(dir, 'baselines');
    for (const [i, day] of [[1, 14], [2, 15], [3, 16]] as const) {
      assert.equal(caplab(['baseline', 'save', file(`main-${i}.json`, 10, i, day), '--name', 'main', '--dir', baselines]).status, 0);
    }
    fresh = file('new.json', 10, 9, 20);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('caplab report --trend adds the charts of the baseline\'s runs with this run marked', () => {
    const out = path.join(dir, 'report');
    const r = caplab(['report', fresh, '--out', out, '--static-html', '--trend', 'main', '--baseline-dir', baselines]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trend: baseline main \(.*baselines\) holds 3 run\(s\) of /);
    const s = trendOf(path.join(out, 'report.html'));
    assert.equal((s.match(/<figure class="chart"/g) ?? []).length, 2);
    assert.match(s, /3 stored runs of .*, and this run\./);
    assert.match(s, /<tr class="trend-current"><td>2026-03-20T09:00:00.000Z/);
  });

  it('a baseline with no runs gets a sentence saying how to add some, not an empty chart', () => {
    const out = path.join(dir, 'report-empty');
    const r = caplab(['report', fresh, '--out', out, '--static-html', '--trend', 'nothing-yet', '--baseline-dir', baselines]);
    assert.equal(r.status, 0, r.stderr);
    const s = trendOf(path.join(out, 'report.html'));
    assert.match(s, /No trend yet: baseline nothing-yet .* holds no runs of .*caplab baseline save result.json --name nothing-yet --dir /);
    assert.doesNotMatch(s, /<figure/);
    const bad = caplab(['report', fresh, '--out', out, '--trend', '../up']);
    assert.equal(bad.status, 2, 'a baseline name that is a path is a usage error');
    assert.match(bad.stderr, /baseline name "..\/up" is not allowed/);
  });

  it('caplab compare --html writes the new run\'s report with the trend of the baseline it was gated on', () => {
    const html = path.join(dir, 'compare.html');
    const r = caplab(['compare', fresh, '--baseline', 'main', '--dir', baselines, '--html', html]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`wrote ${html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(trendOf(html), /Latency across the runs of baseline main/);
  });

  it('--fail-on-inconclusive turns an inconclusive comparison into exit 4', () => {
    const args = ['compare', fresh, '--baseline', 'main', '--dir', baselines, '--min-samples', '1000'];
    const lenient = caplab(args);
    assert.equal(lenient.status, 0, lenient.stdout + lenient.stderr);
    assert.match(lenient.stdout, /INCONCLUSIVE/);
    const strict = caplab([...args, '--fail-on-inconclusive']);
    assert.equal(strict.status, 4, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /fails: inconclusive under --fail-on-inconclusive \(exit 4\)/);
  });
});
