import assert from 'node:assert/strict';
import { PodMetricsCollector } from '../../../clusters/control-plane/kubelet/pod-metrics-collector.ts';
import type { ProcessSampler, ProcessUsage } from '../../../clusters/providers/process-sampler.ts';

/** A sampler that answers each pid's next value from a table (null: gone). */
function fakeSampler(table: Map<number, ProcessUsage | null>) {
  const forgotten: number[] = [];
  const sampler = {
    unavailable: undefined,
    sample: async (pid: number) => table.get(pid) ?? null,
    forget: (pid: number) => { forgotten.push(pid); },
  } as unknown as ProcessSampler;
  return { sampler, forgotten };
}

describe('pod metrics collector (what metrics-server would serve)', () => {
  it('gives a pod usage from its second sample on, summed over its containers', async () => {
    const table = new Map<number, ProcessUsage | null>([[10, { pid: 10, cpuPercent: 50, rssBytes: 100 }], [11, { pid: 11, cpuPercent: 25, rssBytes: 50 }]]);
    let pods = [{ namespace: 'ns', name: 'p', containers: [{ container: 'a', pid: 10 }, { container: 'b', pid: 11 }] }];
    const { sampler, forgotten } = fakeSampler(table);
    const collector = new PodMetricsCollector({ podProcesses: () => pods }, 5_000, sampler);
    await collector.collect();
    assert.equal(collector.usage('ns', 'p'), undefined, 'the first sample averages over start-up: not used');
    await collector.collect();
    const u = collector.usage('ns', 'p')!;
    assert.deepEqual([u.cpuCores, u.memoryBytes, u.windowSeconds], [0.75, 150, 5]);
    assert.deepEqual(u.containers, [{ name: 'a', cpuCores: 0.5, memoryBytes: 100 }, { name: 'b', cpuCores: 0.25, memoryBytes: 50 }]);

    // a restarted container (new pid) has no baseline: no usage until its second sample
    pods = [{ namespace: 'ns', name: 'p', containers: [{ container: 'a', pid: 12 }, { container: 'b', pid: 11 }] }];
    table.set(12, { pid: 12, cpuPercent: 10, rssBytes: 10 });
    await collector.collect();
    assert.equal(collector.usage('ns', 'p'), undefined);
    await collector.collect();
    assert.equal(collector.usage('ns', 'p')!.cpuCores, 0.35);

    // a pod that is gone is forgotten, and every pid it had (the restarted container's old one too)
    pods = [];
    await collector.collect();
    assert.equal(collector.usage('ns', 'p'), undefined);
    assert.deepEqual(collector.all(), []);
    assert.deepEqual(forgotten.sort(), [10, 11, 12]);
  });

  it('has no usage for a pod whose process cannot be read, or a pod without processes (simulated)', async () => {
    const { sampler } = fakeSampler(new Map([[20, null]]));
    const collector = new PodMetricsCollector({ podProcesses: () => [{ namespace: 'ns', name: 'gone', containers: [{ container: 'a', pid: 20 }] }, { namespace: 'ns', name: 'sim', containers: [] }] }, 1_000, sampler);
    await collector.collect();
    await collector.collect();
    assert.equal(collector.usage('ns', 'gone'), undefined);
    assert.equal(collector.usage('ns', 'sim'), undefined);
  });
});
