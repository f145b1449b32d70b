/**
 * The interactive layer of report.html: vega, vega-lite and vega-embed inlined from node_modules
 * (the file must open offline, so no CDN), and a small script that replaces each chart's static
 * SVG with a vega-embed view of the same spec (tooltips, zoom, export). Without JavaScript the
 * static SVG simply stays.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inlineScriptSource } from './escape.ts';

/** A library build inlined into the page. */
export interface InlinedLibrary { name: string; version: string; source: string }

// Each package's entry lives in its build/ folder beside the minified UMD build; their exports maps
// hide the build files from import, so they are found from the entry's location. (createRequire,
// not import.meta.resolve: tests run this file as CommonJS under tsx, where the latter is missing.)
const LIBRARIES = [
  { name: 'vega', build: 'vega.min.js' },
  { name: 'vega-lite', build: 'vega-lite.min.js' },
  { name: 'vega-embed', build: 'vega-embed.min.js' },
] as const;

let cached: InlinedLibrary[] | null = null;

/** The three builds, read once per process (about 830 KB together). */
export function inlinedLibraries(): InlinedLibrary[] {
  cached ??= LIBRARIES.map(({ name, build }) => {
    const buildDir = dirname(createRequire(import.meta.url).resolve(name));
    const pkg = JSON.parse(readFileSync(join(buildDir, '..', 'package.json'), 'utf8')) as { version: string };
    return { name, version: pkg.version, source: inlineScriptSource(name, readFileSync(join(buildDir, build), 'utf8')) };
  });
  return cached;
}

/**
 * Mounts every `figure.chart`: parses its embedded spec, renders it with vega-embed into the
 * figure's interactive slot, and only then hides the static SVG, so a failure leaves the static
 * chart in place (and says so on the console). `data-interactive` records the outcome for tests.
 */
export const EMBED_SCRIPT = `(function () {
  if (typeof vegaEmbed !== 'function') return;
  var figures = document.querySelectorAll('figure.chart');
  Array.prototype.forEach.call(figures, function (figure) {
    var spec = JSON.parse(figure.querySelector('script.chart-spec').textContent);
    var slot = figure.querySelector('.chart-interactive');
    var still = figure.querySelector('.chart-static');
    vegaEmbed(slot, spec, { mode: 'vega-lite', renderer: 'svg', actions: { export: true, source: true, compiled: false, editor: false } })
      .then(function () {
        still.hidden = true;
        slot.hidden = false;
        figure.setAttribute('data-interactive', 'ready');
      })
      .catch(function (err) {
        figure.setAttribute('data-interactive', 'failed');
        console.error('caplab report: chart ' + figure.id + ' stays static: ' + err);
      });
  });
})();`;

/** The `<script>` elements that end the page: the libraries, then the mounting script. */
export function interactiveScripts(): string {
  const libs = inlinedLibraries().map((l) => `<script data-library="${l.name}@${l.version}">\n${l.source}\n</script>`);
  return [...libs, `<script>\n${EMBED_SCRIPT}\n</script>`].join('\n');
}
