/** One headless Chromium and one scratch directory for a mocha suite, skipping it when Chromium is missing. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, launchChromium, type Browser } from '../../scripts/headless-chromium.ts';

export interface ChromiumSuite {
  /** the browser, once the suite's `before` hook has launched it */
  browser(): Browser;
  /** a directory of the suite's own, removed after it */
  dir(): string;
}

/** Registers before/after hooks on the current describe: launch Chromium and make a temp dir named `prefix`..., or skip. */
export function useChromium(prefix: string): ChromiumSuite {
  let browser: Browser | null = null;
  let dir = '';
  before(async function () {
    const chromium = findChromium();
    if (!chromium) {
      console.log('    skipped: no Chromium on PATH (install it with `bash scripts/install-system-deps.sh chromium`, or set CHROMIUM_PATH)');
      this.skip();
    }
    this.timeout(60_000);
    dir = await mkdtemp(join(tmpdir(), prefix));
    browser = await launchChromium(chromium!);
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return { browser: () => browser!, dir: () => dir };
}
