/**
 * The environment fingerprint: which build ran where, so two reports can be told apart before
 * their figures are compared (a 2-core laptop and a CI runner do not give the same knee).
 */
import type { RunResult } from '../../run-result.ts';
import { formatBytes } from '../format.ts';
import { escapeHtml } from './escape.ts';

/** The environment section as a definition list. */
export function environmentSection(result: RunResult): string {
  const env = result.environment;
  const facts: [string, string][] = [
    ['caplab', env.caplabVersion],
    ['commit', env.commit ?? 'unknown (not a git checkout)'],
    ['node', env.node],
    ['platform', env.platform],
    ['CPU', `${env.cpus} × ${env.cpuModel}`],
    ['memory', formatBytes(env.memoryBytes)],
    ['host', env.hostname],
    ['provider', env.provider],
    ['scenario file', result.scenarioFile ?? 'none (built in code)'],
    ['started', result.startedAt],
    ['ended', result.endedAt],
  ];
  const items = facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n');
  return `<section id="environment"><h2>Environment</h2>\n<dl class="facts">\n${items}\n</dl>\n</section>`;
}
