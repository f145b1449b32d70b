import assert from 'node:assert/strict';
import { renderConsole } from '../../../../reports/render/console.ts';
import type { RunResult } from '../../../../reports/run-result.ts';
import { makeRunResult, trendOf } from '../../../fixtures/run-results/make-run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';
import { lineWith, stripAnsi } from './line-with.ts';

const plain = (r: RunResult, failOn: 'critical' | 'warning' = 'critical'): string => renderConsole(r, { color: false, failOn });
const oneTo = (n: number, scale = 1): number[] => Array.from({ length: n }, (_, i) => (i + 1) * scale);

describe('render/console', () => {
  let known: RunResult;
  before(() => {
    // 1..1000 ms corrected and 0.1..100 ms raw: every percentile is known exactly.
    const base = exampleRunResult('good');
    known = {
      ...base,
      metrics: { ...base.metrics, http_req_duration: trendOf(oneTo(1000), 'ms'), http_req_duration_raw: trendOf(oneTo(1000, 0.1), 'ms') },
      resources: [
        { component: 'proxy', pids: [1], cpu: trendOf([50, 50, 50, 60], 'percent'), memory: trendOf([100 * 1024 ** 2, 120 * 1024 ** 2], 'bytes'), samples: [] },
        { component: 'bamf-api', pids: [], cpu: null, memory: null, samples: [], unavailable: 'process exited before the first sample' },
      ],
    };
  });

  it('prints the corrected and raw latency percentiles side by side, labelled', () => {
    const out = plain(known);
    lineWith(out, 'corrected (http_req_duration)', 'raw (http_req_duration_raw)');
    lineWith(out, 'p50', '500 ms', '50.0 ms');
    lineWith(out, 'p90', '900 ms', '90.0 ms');
    lineWith(out, 'p95', '950 ms', '95.0 ms');
    lineWith(out, 'p99', '990 ms', '99.0 ms');
    lineWith(out, 'p99.9', '999 ms', '99.9 ms');
    lineWith(out, 'max', '1000 ms', '100 ms');
    lineWith(out, 'count', '1,000', '1,000');
    lineWith(out, 'corrected: from each request\'s intended start');
    lineWith(out, 'raw: from the actual send');
  });

  it('says no data for a latency side the run did not record', () => {
    const { http_req_duration_raw: _raw, ...metrics } = known.metrics;
    lineWith(plain({ ...known, metrics }), 'p95', '950 ms', 'no data');
  });

  it('shows sub-millisecond latency with µs resolution', () => {
    const out = plain({ ...known, metrics: { ...known.metrics, http_req_duration_raw: trendOf([0.241, 0.241, 0.241], 'ms') } });
    lineWith(out, 'p50', '500 ms', '0.241 ms');
  });

  it('writes the header with scenario, verdict in words, duration and provider', () => {
    const out = plain(exampleRunResult('good'));
    lineWith(out, 'caplab: echo-constant-rate', 'GOOD');
    lineWith(out, 'duration', '1m 00s', '2026-03-14T09:26:53.000Z');
    lineWith(out, 'provider', 'local');
    lineWith(out, 'scenario file', 'scenarios/proxy/echo-constant-rate.yaml');
    lineWith(out, 'verdict GOOD: PASS under --fail-on critical');
  });

  it('prints workloads with target against achieved rate and dropped iterations', () => {
    const out = plain(exampleRunResult('invalid'));
    lineWith(out, 'echo', 'constant-arrival-rate', '100.0/s', '85.0/s', '5,100', '900', '1m 00s');
  });

  it('marks every threshold GOOD on a good run and marks default-profile lines', () => {
    const r = exampleRunResult('good');
    const out = plain(r);
    for (const t of r.thresholds) lineWith(out, t.key, t.stat, t.good, 'GOOD');
    lineWith(out, 'component_cpu{component:proxy}', 'p(95)', '< 70%', '< 85%', 'GOOD', 'default profile *');
    lineWith(out, '* from the default profile');
    assert.doesNotMatch(lineWith(out, 'http_req_failed', 'rate', '0%', '< 0.1%'), /default profile/);
  });

  it('prints a warning run as WARN lines that pass under --fail-on critical and fail under warning', () => {
    const r = exampleRunResult('warning');
    lineWith(plain(r), 'http_req_failed', 'rate', '0.4%', '< 0.1%', '< 1%', 'WARN');
    lineWith(plain(r), 'caplab: echo-constant-rate', 'WARNING');
    lineWith(plain(r, 'critical'), 'verdict WARNING: PASS under --fail-on critical');
    lineWith(plain(r, 'warning'), 'verdict WARNING: FAIL under --fail-on warning');
  });

  it('prints a critical run with its values, CRIT levels and the reasons', () => {
    const r = exampleRunResult('critical');
    const out = plain(r);
    lineWith(out, 'http_req_failed', 'rate', '2.32%', 'CRIT');
    lineWith(out, 'status is 200', '5,861', '139', '97.7%');
    for (const reason of r.verdictReasons) lineWith(out, `- ${reason}`);
    lineWith(out, 'verdict CRITICAL: FAIL under --fail-on critical');
  });

  it('prints an invalid run with the generator named as the bottleneck and why', () => {
    const r = exampleRunResult('invalid');
    const out = plain(r);
    lineWith(out, 'INVALID (the load generator was the bottleneck)');
    lineWith(out, 'bottleneck', 'yes');
    lineWith(out, '- 900 of 6000 iterations were dropped');
    lineWith(out, 'schedule lag p99', `${Math.round(r.generator.scheduleLag!.p99)} ms`);
  });

  it('prints an aborted run with its harness errors and hints', () => {
    const out = plain(exampleRunResult('aborted'));
    lineWith(out, 'ABORTED');
    lineWith(out, 'CAPLAB_ERR_DRIVER_CONNECT: cannot connect to the target: connect ECONNREFUSED 127.0.0.1:41873');
    lineWith(out, 'hint: check that the target is up');
    lineWith(out, 'duration', '12.0 s');
  });

  it('prints a threshold without samples as NO DATA, never GOOD', () => {
    const out = plain(exampleRunResult('no-data'));
    lineWith(out, 'ws_connecting', 'p(95)', 'no data', '< 200ms', '< 1s', 'NO DATA');
    lineWith(out, 'ws_connecting', 'trend', 'no data');
  });

  it('prints component CPU in % and RSS in MiB, and why sampling was unavailable', () => {
    const out = plain(known);
    lineWith(out, 'CPU avg', 'CPU p95', 'CPU max', 'RSS p95 MiB', 'RSS max MiB');
    lineWith(out, 'proxy', '52.5%', '60.0%', '60.0%', '120', '120');
    lineWith(out, 'bamf-api: unavailable: process exited before the first sample');
  });

  it('prints counters with their per-second rate and rates as percentages', () => {
    const out = plain(exampleRunResult('critical'));
    lineWith(out, 'http_reqs', 'counter', '6,000', '100.0/s');
    lineWith(out, 'data_sent', 'counter', '1.04 MiB', '17.8 KiB/s');
    lineWith(out, 'http_req_failed', 'rate', '2.32%', '139 / 6,000');
    lineWith(out, 'vus', 'gauge', '2', 'min 1', 'max 6');
  });

  it('aligns columns: every row of the threshold table starts its level at the same column', () => {
    const out = plain(exampleRunResult('critical'));
    const lines = out.split('\n');
    const start = lines.findIndex((l) => /^ {2}threshold\s+stat/.test(l));
    const column = lines[start]!.indexOf('level');
    for (let i = start + 1; i <= start + 5; i++) assert.equal(lines[i]!.indexOf('CRIT'), column, lines[i]);
  });

  it('writes no ANSI code without colour, and the same text once colour is stripped', () => {
    const r = exampleRunResult('critical');
    const colored = renderConsole(r, { color: true, failOn: 'critical' });
    assert.doesNotMatch(plain(r), /\u001b/);
    assert.match(colored, /\u001b\[31mCRIT\u001b\[39m/);
    assert.equal(stripAnsi(colored), plain(r));
  });

  it('says so when a run has no threshold at all', () => {
    lineWith(plain(makeRunResult({ thresholds: [] })), 'none: the scenario and the default profile set no threshold');
  });
});
