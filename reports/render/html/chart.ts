/**
 * One chart of report.html: a Vega-Lite spec plus the words around it. The spec is compiled and
 * rendered to SVG here, in Node, so the page reads without JavaScript; the same spec is embedded
 * for vega-embed to make the chart interactive when JavaScript runs.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A chart ready for the page. */
export interface ReportChart {
  /** DOM id, unique in the page, e.g. `latency-over-time` */
  id: string;
  title: string;
  /** one or two sentences: what the chart shows and how to read it */
  caption: string;
  spec: TopLevelSpec;
}

/** A piece of a Vega-Lite spec (a layer, a panel) built as plain data. */
export type SpecPart = Record<string, unknown>;

/**
 * Marks a plain object as a top-level Vega-Lite spec. The specs are built from parts, which
 * vega-lite's union types cannot check piecewise; the real check is compiling them: the unit
 * tests compile every chart and require zero vega/vega-lite warnings.
 */
export function vegaLiteSpec(spec: SpecPart): TopLevelSpec {
  return spec as unknown as TopLevelSpec;
}

/** Width of the plotting area of every chart, px; the page is laid out for it. */
export const CHART_WIDTH = 720;
/** Height of one plotting area, px. */
export const CHART_HEIGHT = 220;

/** Config every spec carries: fonts and sizes match the page's CSS, no chart border. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'top', titleFontWeight: 'normal' },
} as const;

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string with vega's headless renderer (no
 * canvas). vega and vega-lite are imported on first use so that commands that render no HTML do
 * not pay for loading them. Warnings of both (a misspelt field, an invalid channel) land in
 * `warnings` instead of the console, so tests can require none.
 */
export async function renderChartSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const logger = collectingLogger(vega, warnings);
  const compiled = vegaLite.compile(withoutInteraction(spec), { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The spec without its `params`: they are the zoom/pan bindings, which listen on `window` and
 * mean nothing in a static SVG (vega warns it cannot resolve the event source). Charts use
 * params for interaction only, never to drive an encoding, so dropping them changes no mark.
 */
export function withoutInteraction(spec: TopLevelSpec): TopLevelSpec {
  return JSON.parse(JSON.stringify(spec), (key, value: unknown) => (key === 'params' ? undefined : value)) as TopLevelSpec;
}

type Vega = typeof import('vega');

function collectingLogger(vega: Vega, warnings: string[]): ReturnType<Vega['logger']> {
  const logger = vega.logger(vega.Warn);
  const collect = (...args: readonly unknown[]): typeof logger => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  logger.warn = collect;
  logger.error = collect;
  return logger;
}
