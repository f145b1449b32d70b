/**
 * `npm run report:screenshot`: renders report.html for a stored RunResult (by default the sweep
 * fixture), opens it in headless Chromium, waits until every chart is interactive and writes a
 * full-page PNG for the docs. Fails when the page logs an error or a chart did not mount.
 *   npm run report:screenshot -- [--result file.json] [--out docs/report-screenshot.png] [--width 1000]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRunResult } from '../reports/read-run-result.ts';
import { renderHtmlReport } from '../reports/render/html/html-report.ts';
import { positiveOption } from './bench-support.ts';
import { findChromium, launchChromium, waitFor } from './headless-chromium.ts';

const DEFAULT_RESULT = 'test/fixtures/results/html-sweep.json';
const DEFAULT_OUT = 'docs/report-screenshot.png';

function stringOption(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} expects a value`);
  return value;
}

async function main(argv: readonly string[]): Promise<void> {
  const resultFile = resolve(stringOption(argv, 'result', DEFAULT_RESULT));
  const out = resolve(stringOption(argv, 'out', DEFAULT_OUT));
  const width = positiveOption(argv, 'width', 1000);
  const chromium = findChromium();
  if (!chromium) throw new Error('no Chromium found: run `bash scripts/install-system-deps.sh chromium` or set CHROMIUM_PATH');

  const result = await readRunResult(resultFile);
  const html = await renderHtmlReport(result, { failOn: 'critical' });
  const dir = await mkdtemp(join(tmpdir(), 'caplab-report-screenshot-'));
  const browser = await launchChromium(chromium);
  try {
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const page = await browser.open(pathToFileURL(file).href, { width, height: 900 });
    await waitFor(page, `document.querySelectorAll('figure.chart[data-interactive="static"]').length === 0`, 30_000);
    const failed = await page.evaluate<string[]>(`[...document.querySelectorAll('figure.chart:not([data-interactive="ready"])')].map((f) => f.id)`);
    const errors = [...page.log.pageErrors, ...page.log.consoleErrors];
    if (failed.length > 0 || errors.length > 0) throw new Error(`report did not render cleanly: charts not mounted ${JSON.stringify(failed)}, errors ${JSON.stringify(errors)}`);
    const png = await page.screenshot();
    await writeFile(out, png);
    const charts = await page.evaluate<number>(`document.querySelectorAll('figure.chart').length`);
    process.stdout.write(`${JSON.stringify({ result: resultFile, out, htmlBytes: Buffer.byteLength(html), charts, pngBytes: png.length })}\n`);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`report:screenshot: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
