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

describe('caplab baseline and caplab compare', function () {
  // Each case spawns caplab (about 1 s of start-up idle, 4 s on a loaded shared machine).
  this.timeout(180_000);
  let dir: string;
  let baselines: string;
  const file = (name: string, p95Ms: number, seed: number, day = 14): string => {
    const f = path.join(dir, name);
    writeFileSync(f, JSON.stringify(syntheticResult({ p95Ms, seconds: 30, seed, startedAt: `2026-03-${day}T09:00:00.000Z` })));
    return f;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'caplab-compare-'));
    baselines = path.join(dir, 'baselines');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('saves several runs under a name and lists them', () => {
    for (const [i, day] of [[1, 14], [2, 15], [3, 16]] as const) {
      const r = caplab(['baseline', 'save', file(`main-${i}.json`, 10, i, day), '--name', 'main', '--dir', baselines]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`saved .*main.*\\.json \\(baseline main: ${i} runs?\\)`));
    }
    const list = caplab(['baseline', 'list', '--dir', baselines]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /main\s+3\s+echo-constant-rate\s+2026-03-14T09:00:00\.000Z\s+2026-03-16T09:00:00\.000Z/);
  });

  it('exits 4 on a regression and writes the Markdown table', () => {
    const md = path.join(dir, 'comment.md');
    const r = caplab(['compare', file('slow.json', 12, 9), '--baseline', 'main', '--dir', baselines, '--metric', 'http_req_duration:p95', '--max-regression', '10%', '--markdown', md]);
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stdout, /caplab compare: echo-constant-rate against baseline main: REGRESSION/);
    assert.match(r.stdout, /http_req_duration p95\s+10\.\d ms \(3 runs, 90 s\)\s+1[12]\.\d ms \(1 run, 30 s\)\s+1\.\d{3} \(\+\d+\.\d%\)\s+95%: 1\.\d{3} to 1\.\d{3}\s+regression/);
    assert.match(readFileSync(md, 'utf8'), /^### caplab compare: echo-constant-rate against baseline main: REGRESSION\n\n\| metric \| baseline \| new \| ratio \| interval \| verdict \|/);
  });

  it('exits 0 for a run like the baseline, and for an inconclusive one', () => {
    const same = caplab(['compare', file('same.json', 10, 10), '--baseline', 'main', '--dir', baselines]);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /: PASS\n/);
    const edge = caplab(['compare', file('edge.json', 11, 11), '--baseline', file('one.json', 10, 12), '--max-regression', '10%', '--json']);
    assert.equal(edge.status, 0, edge.stderr);
    const out = JSON.parse(edge.stdout);
    assert.equal(out.verdict, 'inconclusive');
    assert.match(out.comparisons[0].suggestion, /lengthen the runs/);
  });

  it('exits 2 for bad flags, unknown baselines and files that are not results', () => {
    const fresh = file('fresh.json', 10, 13);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, 'nope');
    const cases: [string[], RegExp][] = [
      [['--max-regression', 'lots'], /--max-regression lots is not a percentage/],
      [['--max-regression', '10'], /--max-regression 10 is ambiguous/],
      [['--metric', 'http_req_duration:p90'], /--metric "http_req_duration:p90" is not <trend>:<stat>/],
      [['--metric', 'ws_msg_latency:p95'], /has no per-second series of ws_msg_latency/],
      [['--confidence', '100%'], /--confidence 100% must lie from 50% to under 100%/],
      [['--seed', '-1'], /--seed -1 is not a whole number/],
      [['--baseline', 'mian'], /no baseline named "mian"[\s\S]*hint: known baselines: main/],
      [['--baseline', '../etc'], /baseline name "..\/etc" is not allowed/],
      [['--baseline', notJson], /not\.json is not valid JSON/],
    ];
    for (const [flags, message] of cases) {
      const args = ['compare', fresh, '--dir', baselines, ...(flags.includes('--baseline') ? [] : ['--baseline', 'main']), ...flags];
      const r = caplab(args);
      assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, flags.join(' '));
    }
    const noBaseline = caplab(['compare', fresh]);
    assert.equal(noBaseline.status, 2);
    assert.match(noBaseline.stderr, /required option '--baseline <name\|result\.json>' not specified/);
    const badName = caplab(['baseline', 'save', fresh, '--name', 'a/b', '--dir', baselines]);
    assert.equal(badName.status, 2);
    assert.match(badName.stderr, /baseline name "a\/b" is not allowed/);
  });
});

describe('caplab ab', function () {
  this.timeout(180_000);

  it('exits 2 when A and B would be the same, or a --set names no component', () => {
    const scenario = path.join(ROOT, 'scenarios/echo/smoke.yaml');
    const same = caplab(['ab', '--a', scenario]);
    assert.equal(same.status, 2);
    assert.match(same.stderr, /A and B would be the same scenario/);
    const badSet = caplab(['ab', '--a', scenario, '--set-b', 'nope.delay=5ms']);
    assert.equal(badSet.status, 2);
    assert.match(badSet.stderr, /--set nope\.delay=5ms: .*smoke\.yaml has no component nope[\s\S]*hint: its components: echo/);
    const badRounds = caplab(['ab', '--a', scenario, '--set-b', 'echo.delay=5ms', '--rounds', '0']);
    assert.equal(badRounds.status, 2);
    assert.match(badRounds.stderr, /--rounds 0 is not a whole number from 1 to 100/);
  });

  it('runs A and B interleaved and exits 4 when B is much slower (echo --delay 300ms)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'caplab-ab-'));
    try {
      const scenario = path.join(dir, 'ab.yaml');
      writeFileSync(scenario, `name: ab-echo
warmup: 1s
# A loaded shared machine would otherwise judge runs invalid (generator lag), and the gate then claims nothing.
generator: { maxScheduleLagP99: 10s, maxCpu: 100%, maxEventLoopLagP99: 10s }
components:
  echo: { component: echo, flags: { delay: 0ms } }
workloads:
  load:
    executor: constant-arrival-rate
    rate: 50/s
    duration: 3s
    preAllocatedVUs: 10
    http: { target: echo, path: /x }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 5s" }]
`);
      const r = caplab(['ab', '--a', scenario, '--set-b', 'echo.delay=300ms', '--rounds', '2', '--min-samples', '2', '--out', path.join(dir, 'runs')]);
      assert.equal(r.status, 4, `${r.stdout}\n${r.stderr}`);
      // The order flips each round; verdicts vary with the machine's load (invalid when the generator lagged).
      assert.match(r.stderr, /round 1\/2: A \(ab-echo\)\.\.\. \w+\nround 1\/2: B \(ab-echo\)\.\.\. \w+\nround 2\/2: B \(ab-echo\)\.\.\. \w+\nround 2\/2: A \(ab-echo\)\.\.\. \w+/);
      assert.match(r.stdout, /caplab ab: B \(ab\.yaml echo\.delay=300ms\) against A \(ab\.yaml\), 2 interleaved rounds: REGRESSION/);
      assert.match(r.stdout, /http_req_duration p95 .* \(2 runs, \d s\) .* regression/);
      assert.equal(JSON.parse(readFileSync(path.join(dir, 'runs', 'b-2.json'), 'utf8')).scenario, 'ab-echo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
