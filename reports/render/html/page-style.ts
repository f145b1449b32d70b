/** The stylesheet of report.html: one column, readable printed, level colours from level-colours.ts. */
import { LEVEL_COLOURS, VERDICT_COLOURS } from './level-colours.ts';
import type { Level, Verdict } from '../../run-result.ts';

const levelRules = (Object.entries(LEVEL_COLOURS) as [Level, string][])
  .map(([level, colour]) => `tr.level-${level} td.level, .callout.level-${level} { color: ${colour}; border-color: ${colour}; }\ntr.level-${level} td:first-child { box-shadow: inset 4px 0 0 ${colour}; }`)
  .join('\n');

const verdictRules = (Object.entries(VERDICT_COLOURS) as [Verdict, string][])
  .map(([verdict, colour]) => `.verdict-${verdict} { background: ${colour}; }`)
  .join('\n');

/** The whole stylesheet. */
export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: #59636e; }
.verdict { display: inline-block; color: #fff; font-weight: 600; padding: 2px 10px; border-radius: 12px; font-size: 13px; vertical-align: middle; }
${verdictRules}
.summary { margin: 8px 0 0; color: #59636e; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { font-weight: 600; background: #f6f8fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.level { font-weight: 600; }
table.verdicts td { white-space: nowrap; }
table.verdicts td:nth-child(2), table.verdicts td:nth-child(6) { white-space: normal; word-break: break-word; }
tr.extrapolated td { font-style: italic; }
${levelRules}
.callout { border-left: 4px solid; padding: 6px 10px; background: #f6f8fa; }
figure.chart { margin: 16px 0 24px; }
figure.chart figcaption { color: #59636e; font-size: 13px; margin-top: 4px; }
figure.chart h3 { margin-bottom: 4px; }
.chart-static svg { max-width: 100%; height: auto; }
.chart-interactive { min-height: 40px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #59636e; }
dl.facts dd { margin: 0; word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
footer { margin-top: 40px; color: #59636e; font-size: 12px; }
@media print { .chart-interactive { display: none !important; } .chart-static { display: block !important; } }
`;
