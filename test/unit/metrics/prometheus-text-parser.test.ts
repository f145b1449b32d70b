import assert from 'node:assert/strict';
import { parsePrometheusText, sumOf } from '../../../harness/metrics/prometheus-text-parser.ts';

describe('parsePrometheusText (a component /metrics page)', () => {
  it('reads unlabelled samples and keeps # TYPE, skipping # HELP, other comments and blank lines', () => {
    const p = parsePrometheusText([
      '# HELP tunnel_agents_connected Agents with a live link.',
      '# TYPE tunnel_agents_connected gauge',
      'tunnel_agents_connected 200',
      '',
      '# just a comment',
      'tunnel_streams_open 3.5e2',
    ].join('\n'));
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.samples, [
      { name: 'tunnel_agents_connected', labels: {}, value: 200 },
      { name: 'tunnel_streams_open', labels: {}, value: 350 },
    ]);
    assert.equal(p.types.get('tunnel_agents_connected'), 'gauge');
  });

  it('reads labels, a trailing comma, spaces around "=", and an optional timestamp', () => {
    const p = parsePrometheusText('http_requests_total{method="post",code="200",} 1027 1395066363000\nx{ a = "1" } 2\r\n');
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.samples[0], { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027 });
    assert.deepEqual(p.samples[1], { name: 'x', labels: { a: '1' }, value: 2 });
  });

  it('unescapes \\\\, \\" and \\n in label values, and keeps } and , inside quotes', () => {
    const p = parsePrometheusText('msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",odd="a},b"} 1.458255915e9');
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.samples[0]!.labels, { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"', odd: 'a},b' });
    assert.equal(p.samples[0]!.value, 1.458255915e9);
  });

  it('reads NaN, +Inf and -Inf (histogram buckets end in le="+Inf")', () => {
    const p = parsePrometheusText('a NaN\nb +Inf\nc -Inf\nd_bucket{le="+Inf"} 7');
    assert.deepEqual(p.problems, []);
    assert.ok(Number.isNaN(p.samples[0]!.value));
    assert.deepEqual(p.samples.slice(1).map((s) => s.value), [Infinity, -Infinity, 7]);
    assert.deepEqual(p.samples[3]!.labels, { le: '+Inf' });
  });

  it('skips garbage lines with a numbered reason and keeps the good samples around them', () => {
    const p = parsePrometheusText([
      'good 1',
      '<html>502 Bad Gateway</html>',
      'no_value',
      'bad_value twelve',
      'unclosed{a="x} 3',
      'bad_escape{a="\\t"} 3',
      'no_equals{a"x"} 3',
      'also_good{k="v"} 2',
      'three fields 1 2',
    ].join('\n'));
    assert.deepEqual(p.samples.map((s) => s.name), ['good', 'also_good']);
    assert.equal(p.problems.length, 7);
    assert.match(p.problems[0]!, /^line 2: no metric name/);
    assert.match(p.problems[1]!, /^line 3: no space before the value/);
    assert.match(p.problems[2]!, /^line 4: value "twelve" is not a number/);
    assert.match(p.problems[3]!, /^line 5: label a has an unterminated value/);
    assert.match(p.problems[4]!, /^line 6: label a has an unknown escape/);
    assert.match(p.problems[5]!, /^line 7: label a has no "="/);
    assert.match(p.problems[6]!, /^line 9: /);
  });

  it('sums a metric over its label sets, and says undefined for a metric the page lacks', () => {
    const p = parsePrometheusText('req_total{outcome="ok"} 5\nreq_total{outcome="err"} 2\nreq_total_other 100');
    assert.equal(sumOf(p, 'req_total'), 7);
    assert.equal(sumOf(p, 'missing'), undefined);
    assert.equal(sumOf(parsePrometheusText(''), 'req_total'), undefined);
  });
});
