import assert from 'node:assert/strict';
import { sweepTables } from '../../../../reports/render/html/sweep-table.ts';
import type { SweepResult, SweepStep } from '../../../../reports/run-result.ts';
import { sweepResult } from './fixtures.ts';

function connectionStep(index: number, connections: number, held: number, misses: number): SweepStep {
  return {
    index, targetRate: 10, targetConnections: connections, achievedRate: 10, from: index * 10, to: index * 10 + 5, level: 'good', thresholds: [], droppedIterations: 0,
    metrics: {
      connections_open: { type: 'gauge', unit: 'count', value: held, min: 0, max: held },
      connection_success: { type: 'rate', rate: (connections - misses) / connections, passes: connections - misses, total: connections },
      message_latency: { type: 'trend', unit: 'ms', count: 50, min: 1, max: 9, mean: 3, p50: 2.5, p90: 6, p95: 7.25, p99: 8.5 } as never,
      http_req_duration: { type: 'trend', unit: 'ms', count: 50, min: 1, max: 99, mean: 50, p50: 50, p90: 90, p95: 95.5, p99: 99 } as never,
    },
  };
}

describe('html sweep table', () => {
  it('shows a connection sweep in connections held, message p95 and failed connects, not its publish rate', () => {
    const sweep: SweepResult = { workload: 'held', mode: 'steps', load: 'connections', stopReason: 'every listed step ran', steps: [connectionStep(0, 500, 500, 0), connectionStep(1, 2000, 1996, 4)] };
    const html = sweepTables([sweep]);
    assert.match(html, /<th[^>]*>connections<\/th>/);
    assert.match(html, /<th[^>]*>message p95<\/th>/);
    assert.match(html, />2,000</);
    assert.match(html, />1,996</);
    assert.match(html, />4 \/ 2,000</);
    assert.match(html, />7\.25 ms</);
    assert.doesNotMatch(html, /95\.5/, 'the HTTP latency is not a connection sweep\'s latency');
    assert.doesNotMatch(html, /10\.0\/s|10\/s/, 'the publish rate is not the step\'s load');
  });

  it('keeps offered and achieved rates for a rate sweep', () => {
    const html = sweepTables(sweepResult().sweeps);
    assert.match(html, /<th[^>]*>offered<\/th>/);
    assert.doesNotMatch(html, /<th[^>]*>connections<\/th>/);
  });
});
