import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');
const HTTP = path.join(ROOT, 'test/fixtures/results/sweep-http.json');
const CONNECTIONS = path.join(ROOT, 'test/fixtures/results/sweep-connections.json');
const NO_SWEEP = path.join(ROOT, 'test/fixtures/run-results/good.json');

function caplab(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'size', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('caplab size', function () {
  this.timeout(60_000);

  it('prints steps, fits, tiers with nodes and cost, and the target with N+1 replicas', () => {
    const r = caplab([HTTP, '--target', '10000/s', '--pricing', 'aws-us-east-1', '--tiers', 'small,medium,large']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /caplab size: sweep-fixture · sweep sweep · component echo · load in requests\/s/);
    assert.match(r.stdout, /\s4\s+4,000\/s\s+4,000\/s\s+\S+ ms\s+good\s+← knee/);
    assert.match(r.stdout, /echo\s+CPU \/ replica\s+100m\s+51m\s+1\.000\s+good/);
    assert.match(r.stdout, /large\s+10,000\/s\s+4 \(3\+1\)\s+\d+m\s+\d+Mi\s+none\s+\d+Mi\s+\d+m\s+\d+Mi\s+1 × m6i\.large\s+\$70\.08/);
    assert.match(r.stdout, /target 10,000\/s: 4 replicas \(3 needed \+ 1 spare\)/);
    assert.match(r.stdout, /pricing aws-us-east-1 \(https:\/\/aws\.amazon\.com\/ec2\/pricing\/on-demand\/, as of \d{4}-\d{2}-\d{2}\)/);
  });

  it('--json prints the CapacityReport; flags change the sizing without re-running', () => {
    const r = caplab([CONNECTIONS, '--json', '--tiers', 'edge=500,core=20k', '--headroom', 'n+2', '--hpa-target', '50%', '--cpu-limit', '2x', '--pricing', 'opencost-default-spot']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.unit, 'connections');
    assert.equal(report.headroom, 2);
    assert.equal(report.capacity.hpaTarget, 0.5);
    assert.deepEqual(report.tiers.map((t: { name: string; load: number; replicas: number; replicasNeeded: number }) => [t.name, t.load, t.replicas - t.replicasNeeded]), [['edge', 500, 2], ['core', 20_000, 2]]);
    assert.ok(report.tiers.every((t: { limits: { cpuCores: number }; requests: { cpuCores: number } }) => Math.abs(t.limits.cpuCores - 2 * t.requests.cpuCores) < 0.002));
    assert.equal(report.cost.profile.name, 'opencost-default-spot');
    assert.equal(report.cost.connectionBar.bar, 0.02);
  });

  it('sizes a connection sweep for --target 100k/conn with seed 004\'s rows, cost per connection against the bar', () => {
    const r = caplab([CONNECTIONS, '--target', '100k/conn', '--tiers', 'seed-004', '--pricing', 'opencost-default']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /load in connections/);
    assert.match(r.stdout, /Cost\/conn\/mo \(< \$0\.0200\)\s+Seed 004/);
    for (const tier of ['1k', '10k', '50k', '100k']) assert.match(r.stdout, new RegExp(`\\n  ${tier}\\s+[\\d,]+ conn\\s+\\d+\\s+\\d+%`), tier);
    assert.match(r.stdout, /100k\s+100,000 conn .* \$[\d.]+ [✓✗]\s+10 × 70%, 6GB, 20ms, \$1,500/);
    assert.match(r.stdout, /per connection on one \S+ replica: memory [\d.]+ KiB/);
    const bare = caplab([CONNECTIONS, '--target', '100000', '--unit', 'connections', '--json']);
    assert.equal(bare.status, 0, bare.stderr);
    assert.deepEqual([JSON.parse(bare.stdout).target.load, JSON.parse(bare.stdout).target.unit], [100_000, 'connections']);
  });

  it('exits 2 for a result without a sweep, and says how to get one', () => {
    const r = caplab([NO_SWEEP]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error CAPLAB_ERR_USAGE: .*good\.json has no capacity sweep to size/);
    assert.match(r.stderr, /hint: run a scenario with a capacity-sweep workload/);
  });

  it('exits 2 for bad flags, naming the choices', () => {
    const cases: [string[], RegExp][] = [
      [['--pricing', 'azure'], /unknown pricing profile "azure"; known profiles: aws-us-east-1, aws-us-east-1-spot, gcp-us-central1/],
      [['--tiers', 'tiny'], /unknown tier "tiny": the default tiers are small, medium, large/],
      [['--target', 'lots'], /--target lots is not a load/],
      [['--hpa-target', '170%'], /--hpa-target 170% is not a utilisation/],
      [['--headroom', 'lots'], /--headroom lots is not n\+k/],
      [['--cpu-limit', 'half'], /--cpu-limit half is neither none nor a multiple/],
      [['--component', 'nope'], /no component named "nope" in this result; its components: echo/],
      [['--unit', 'bananas'], /--unit bananas is not a load unit/],
      [['--target', '100k/conn', '--unit', 'requests/s'], /--target 100k\/conn is in connections but --unit says requests\/s/],
      [['--tiers', 'seed-004'], /--tiers seed-004 is seed 004's connection counts/],
    ];
    for (const [flags, message] of cases) {
      const r = caplab([HTTP, ...flags]);
      assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
