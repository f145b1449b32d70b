/**
 * The run directory: `runs/<YYYYMMDD-HHMMSS>-<scenario>/` with one file per renderer. Every file is
 * written atomically (temp file in the same directory, fsync, rename), so a crash or a SIGINT
 * mid-write never leaves a half-written result.json that `caplab report` would choke on.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from './run-result.ts';
import { renderHtmlReport, type HtmlReportOptions } from './render/html/html-report.ts';
import { renderJUnit } from './render/junit.ts';
import { renderJson } from './render/json.ts';
import { renderMarkdown } from './render/markdown.ts';

/** Options every run output is rendered with: `--fail-on`, plus what only report.html reads (capacity sizing). */
export type RunOutputOptions = HtmlReportOptions;

/** One file of the run directory and the renderer that writes it (report.html renders asynchronously: vega's SVG). */
export interface RunOutput { file: string; render(result: RunResult, opts: RunOutputOptions): string | Promise<string> }

/** Every file a run writes, in order; adding a renderer is adding a line here. */
export const RUN_OUTPUTS: readonly RunOutput[] = [
  { file: 'result.json', render: (r) => renderJson(r) },
  { file: 'summary.md', render: renderMarkdown },
  { file: 'junit.xml', render: renderJUnit },
  { file: 'report.html', render: renderHtmlReport },
];

/** `<YYYYMMDD-HHMMSS>-<scenario-slug>`, the time in UTC so names sort the same on every machine. */
export function runDirName(result: Pick<RunResult, 'scenario'>, now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${stamp}-${slug(result.scenario)}`;
}

/** Lower-case ASCII letters, digits and single dashes; never empty, at most 60 characters. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'run' : s;
}

/** Writes every run output into `dir` (created if missing) and returns the written paths. */
export async function writeRunOutputs(dir: string, result: RunResult, opts: RunOutputOptions, outputs: readonly RunOutput[] = RUN_OUTPUTS): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // Render everything before writing anything: a renderer bug must not leave a directory with only some files.
  const rendered = await Promise.all(outputs.map(async (o) => ({ path: join(dir, o.file), content: await o.render(result, opts) })));
  for (const { path, content } of rendered) await writeFileAtomic(path, content);
  await syncDir(dir);
  return rendered.map((r) => r.path);
}

/** Writes `content` to `path` so readers see either the old file or the whole new one. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

// The renames live in the directory entry; fsync it so they survive a power cut. Some
// filesystems refuse to fsync a directory, and the files themselves are already durable.
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle.close();
  }
}
