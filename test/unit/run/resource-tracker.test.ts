import assert from 'node:assert/strict';
import type { ComponentSpec, ResourceSample } from '../../../clusters/cluster.ts';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import { ResourceTracker } from '../../../harness/run/resource-tracker.ts';

const MiB = 1024 * 1024;
const spec = (over: Partial<ComponentSpec>): ComponentSpec => ({ name: 'echo', component: 'echo', flags: {}, env: {}, replicas: 2, readiness: { path: '/health', timeoutMs: 1000 }, ...over });

describe('ResourceTracker', () => {
  it('judges the mean replica against per-replica limits, and keeps the summed samples for the result', async () => {
    const sample: ResourceSample = { component: 'echo', pids: [101, 102], cpuPercent: 120, rssBytes: 200 * MiB };
    const registry = new MetricsRegistry();
    const tracker = new ResourceTracker({ sample: async () => [sample] }, [spec({ limits: { cpuCores: 0.5, memoryBytes: 256 * MiB } })], registry);
    await tracker.sample(1);
    const agg = new MetricsAggregate();
    agg.ingest(registry.drain());
    agg.closeWindow(1);
    // 120% of a core over 2 replicas = 60% each = 120% of a 0.5-core limit; 200 MiB over 2 x 256 MiB = 39%
    const cpu = agg.view('component_cpu', { component: 'echo' })!;
    assert.equal(cpu.histogram!.maxValue / cpu.hdrScale, 120);
    const mem = agg.view('component_memory_of_limit', { component: 'echo' })!;
    assert.ok(Math.abs(mem.histogram!.maxValue / mem.hdrScale - 39.06) < 0.05, `${mem.histogram!.maxValue / mem.hdrScale}`);
    const [res] = tracker.result();
    assert.deepEqual(res!.samples, [{ t: 1, cpuPercent: 120, rssBytes: 200 * MiB }]);
    assert.deepEqual(res!.pids, [101, 102]);
  });
});
