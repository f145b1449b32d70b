/**
 * junit.xml: one test case per threshold, so any CI that reads JUnit shows which SLO broke.
 * Failures follow the `--fail-on` policy (fail-policy.ts); the generator's own health and every
 * harness error are test cases too, so an invalid or broken run never looks green.
 */
import type { RunResult, ThresholdResult } from '../run-result.ts';
import { thresholdFails, type RenderOptions } from './fail-policy.ts';
import { formatMs, formatPercent, formatValue } from './format.ts';
import { levelLabel, statLabel, warningLabel } from './labels.ts';
import { xmlAttr, xmlText } from './xml-escape.ts';

interface TestCase {
  name: string;
  /** `<failure>` (an assertion that did not hold) or `<error>` (the harness broke) */
  outcome?: { kind: 'failure' | 'error'; type: string; message: string; body: string };
  systemOut?: string;
}

/** Renders junit.xml for a run. */
export function renderJUnit(result: RunResult, opts: RenderOptions): string {
  const cases = [
    ...result.thresholds.map((t) => thresholdCase(t, opts)),
    generatorCase(result),
    ...(result.verdict === 'aborted' ? [abortedCase(result)] : []),
    ...result.errors.map((e): TestCase => ({
      name: `harness error ${e.code}`,
      outcome: { kind: 'error', type: e.code, message: e.message, body: e.hint ? `hint: ${e.hint}` : '' },
    })),
  ];
  const failures = cases.filter((c) => c.outcome?.kind === 'failure').length;
  const errors = cases.filter((c) => c.outcome?.kind === 'error').length;
  const time = seconds(result.durationSeconds);
  const suite = result.scenario;
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="caplab" ${counts}>`,
    `  <testsuite name="${xmlAttr(suite)}" ${counts} timestamp="${xmlAttr(result.startedAt)}" hostname="${xmlAttr(result.environment.hostname)}">`,
    '    <properties>',
    ...properties(result).map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...cases.flatMap((c) => testCase(suite, c)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
}

function seconds(s: number): string {
  return Number.isFinite(s) ? s.toFixed(3) : '0.000';
}

function properties(r: RunResult): [string, string][] {
  return [
    ['verdict', r.verdict],
    ['provider', r.environment.provider],
    ['commit', r.environment.commit ?? 'unknown'],
    ['node', r.environment.node],
    ['cpus', String(r.environment.cpus)],
    ['cpuModel', r.environment.cpuModel],
    ['caplabVersion', r.environment.caplabVersion],
  ];
}

function describe(t: ThresholdResult): string {
  return `${t.key} ${statLabel(t)} = ${formatValue(t.value, t.unit)} (good: ${t.good}; warning: ${warningLabel(t)}; source: ${t.source})`;
}

function thresholdCase(t: ThresholdResult, opts: RenderOptions): TestCase {
  const name = `${t.key} ${t.stat}`;
  const summary = describe(t);
  if (!thresholdFails(t.level, opts.failOn)) {
    return t.level === 'good' ? { name, systemOut: summary } : { name, systemOut: `${levelLabel(t.level)}: ${summary}; passes under --fail-on ${opts.failOn}` };
  }
  const message = t.level === 'no-data' ? 'no data' : `${levelLabel(t.level)}: ${t.stat} = ${formatValue(t.value, t.unit)}`;
  return { name, outcome: { kind: 'failure', type: t.level, message, body: summary } };
}

function generatorCase(r: RunResult): TestCase {
  const g = r.generator;
  const facts = [
    g.cpu && g.cpu.count > 0 ? `generator CPU p95 ${formatPercent(g.cpu.p95)}` : 'generator CPU: no data',
    g.scheduleLag && g.scheduleLag.count > 0 ? `schedule lag p99 ${formatMs(g.scheduleLag.p99)}` : 'schedule lag: no data',
    g.eventLoopLag && g.eventLoopLag.count > 0 ? `event-loop lag p99 ${formatMs(g.eventLoopLag.p99)}` : 'event-loop lag: no data',
  ].join('; ');
  if (r.verdict !== 'invalid') return { name: 'generator health', systemOut: facts };
  const why = g.reasons.length > 0 ? g.reasons : r.verdictReasons;
  return {
    name: 'generator health',
    outcome: { kind: 'failure', type: 'invalid', message: 'the load generator was the bottleneck: the run measured the generator, not the system', body: [...why, facts].join('\n') },
  };
}

function abortedCase(r: RunResult): TestCase {
  return {
    name: 'run completed',
    outcome: { kind: 'failure', type: 'aborted', message: 'the run stopped early', body: r.verdictReasons.join('\n') },
  };
}

function testCase(suite: string, c: TestCase): string[] {
  const open = `    <testcase classname="${xmlAttr(suite)}" name="${xmlAttr(c.name)}" time="0">`;
  const inner: string[] = [];
  if (c.outcome) {
    const o = c.outcome;
    inner.push(`      <${o.kind} type="${xmlAttr(o.type)}" message="${xmlAttr(o.message)}">${xmlText(o.body)}</${o.kind}>`);
  }
  if (c.systemOut) inner.push(`      <system-out>${xmlText(c.systemOut)}</system-out>`);
  if (inner.length === 0) return [open.replace(/>$/, '/>')];
  return [open, ...inner, '    </testcase>'];
}
