import assert from 'node:assert/strict';
import { gaugeValue } from '../../../harness/faults/prometheus-gauge.ts';

describe('reading a gauge from Prometheus text', () => {
  const page = [
    '# HELP tunnel_agents_connected Agents with a live link.',
    '# TYPE tunnel_agents_connected gauge',
    'tunnel_agents_connected 20',
    'tunnel_agents_connected_total 99',
    'tunnel_streams_opened_total{kind="http"} 5',
    'tunnel_streams_opened_total{kind="connect"} 2 1700000000000',
  ].join('\n');

  it('takes an unlabelled sample, not one of a longer name that starts the same', () => {
    assert.equal(gaugeValue(page, 'tunnel_agents_connected'), 20);
  });

  it('sums labelled samples and ignores a timestamp', () => {
    assert.equal(gaugeValue(page, 'tunnel_streams_opened_total'), 7);
  });

  it('is null for a metric the page does not have', () => {
    assert.equal(gaugeValue(page, 'tunnel_agents'), null);
  });
});
