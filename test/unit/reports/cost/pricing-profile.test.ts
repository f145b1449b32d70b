import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownPricingProfiles, loadPricingProfile, PricingProfileError } from '../../../../reports/cost/pricing-profile.ts';

describe('pricing profiles', () => {
  it('ships OpenCost defaults, AWS us-east-1 and GCP us-central1, each with a spot variant, a source URL and a date', () => {
    assert.deepEqual(knownPricingProfiles(), ['aws-us-east-1', 'aws-us-east-1-spot', 'gcp-us-central1', 'gcp-us-central1-spot', 'opencost-default', 'opencost-default-spot']);
    for (const name of knownPricingProfiles()) {
      const p = loadPricingProfile(name);
      assert.match(p.source, /^https:\/\//, name);
      assert.match(p.asOf, /^\d{4}-\d{2}-\d{2}$/, name);
    }
  });

  it('loads OpenCost’s default rates, and their spot rates for -spot', () => {
    const p = loadPricingProfile('opencost-default');
    assert.deepEqual(p.rates, { cpuCoreHour: 0.031611, ramGiBHour: 0.004237 });
    assert.equal(p.spot, false);
    const s = loadPricingProfile('opencost-default-spot');
    assert.deepEqual(s.rates, { cpuCoreHour: 0.006655, ramGiBHour: 0.000892 });
    assert.equal(s.spot, true);
  });

  it('uses spot instance prices for an instance profile’s -spot variant', () => {
    const od = loadPricingProfile('aws-us-east-1');
    const spot = loadPricingProfile('aws-us-east-1-spot');
    assert.equal(od.instances.find((i) => i.type === 'm6i.xlarge')!.hourly, 0.192);
    assert.ok(spot.instances.every((i, n) => i.hourly < od.instances[n]!.hourly));
  });

  it('an unknown name is an error that lists the known profiles', () => {
    assert.throws(() => loadPricingProfile('azure-eastus'), (e: unknown) => e instanceof PricingProfileError && /unknown pricing profile "azure-eastus"; known profiles: aws-us-east-1, .*opencost-default/.test(e.message));
    assert.throws(() => loadPricingProfile('../secrets'), PricingProfileError);
  });

  it('an invalid pricing file lists every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caplab-pricing-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'bad', description: 'x', currency: 'EUR', source: 'not a url', asOf: 'yesterday', kind: 'instance', rates: { cpuCoreHour: -1, ramGiBHour: 0.1 } }));
      assert.throws(() => loadPricingProfile('bad', dir), (e: unknown) => {
        const m = (e as Error).message;
        return e instanceof PricingProfileError && /currency/.test(m) && /source/.test(m) && /asOf/.test(m) && /rates\.cpuCoreHour/.test(m);
      });
      writeFileSync(join(dir, 'empty.json'), JSON.stringify({ name: 'empty', description: 'x', currency: 'USD', source: 'https://x.example', asOf: '2026-01-01', kind: 'instance', rates: { cpuCoreHour: 1, ramGiBHour: 1 } }));
      assert.throws(() => loadPricingProfile('empty', dir), /instances: an instance profile needs at least one instance type/);
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ name: 'renamed', description: 'x', currency: 'USD', source: 'https://x.example', asOf: '2026-01-01', kind: 'per-resource', rates: { cpuCoreHour: 1, ramGiBHour: 1 } }));
      assert.throws(() => loadPricingProfile('other', dir), /declares name "renamed"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
