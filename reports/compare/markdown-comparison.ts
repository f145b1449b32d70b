/** The comparison as Markdown for a PR comment: a diff table and the facts under it. */
import type { Comparison } from './compare-runs.ts';
import { COMPARISON_HEADER, comparisonFacts, comparisonRow } from './comparison-rows.ts';

const VERDICT_MARK: Record<Comparison['verdict'], string> = {
  regression: '**regression**',
  inconclusive: '_inconclusive_',
  pass: 'pass',
  improved: 'improved',
};

/** `title` heads the comment, e.g. "caplab compare: echo-constant-rate against baseline main". */
export function renderComparisonMarkdown(title: string, cs: readonly Comparison[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = cs.map((c) => {
    const r = comparisonRow(c);
    r[5] = VERDICT_MARK[c.verdict];
    return `| ${r.map(cell).join(' | ')} |`;
  });
  const overall = overallVerdict(cs).toUpperCase();
  return [
    `### ${cell(title)}: ${overall}`,
    '',
    `| ${COMPARISON_HEADER.join(' | ')} |`,
    `|${COMPARISON_HEADER.map((_, i) => (i === 0 || i === 5 ? '---' : '---:')).join('|')}|`,
    ...rows,
    '',
    ...comparisonFacts(cs).map((f) => `- ${f}`),
    '',
  ].join('\n');
}

/** The worst verdict among comparisons: regression > inconclusive > pass > improved. */
export function overallVerdict(cs: readonly Comparison[]): Comparison['verdict'] {
  for (const v of ['regression', 'inconclusive', 'pass'] as const) if (cs.some((c) => c.verdict === v)) return v;
  return 'improved';
}
