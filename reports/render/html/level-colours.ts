/**
 * The Good / Warning / Critical colours of report.html, shared by the CSS of the verdict table and
 * by the chart specs, so a red point on a chart means what a red row in the table means.
 */
import type { Level, Verdict } from '../../run-result.ts';

/** Colour of each threshold level (GitHub's palette: readable on white, distinct for red-green deficiency by lightness). */
export const LEVEL_COLOURS: Readonly<Record<Level, string>> = {
  good: '#1a7f37',
  warning: '#9a6700',
  critical: '#cf222e',
  'no-data': '#6e7781',
};

/** Colour of each verdict; `invalid` and `aborted` are failures that are not the system's fault, so they are not red. */
export const VERDICT_COLOURS: Readonly<Record<Verdict, string>> = {
  good: LEVEL_COLOURS.good,
  warning: LEVEL_COLOURS.warning,
  critical: LEVEL_COLOURS.critical,
  invalid: '#8250df',
  aborted: '#57606a',
};

/** The words the report uses for a level, as the verdict table and the chart legends show them. */
export const LEVEL_WORDS: Readonly<Record<Level, string>> = { good: 'Good', warning: 'Warning', critical: 'Critical', 'no-data': 'No data' };

/** Levels in legend order. */
export const LEVEL_ORDER: readonly Level[] = ['good', 'warning', 'critical', 'no-data'];
