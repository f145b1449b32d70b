/**
 * Named baselines on disk: `<dir>/<name>/<startedAt>-<scenario>.json`, one RunResult per file, so
 * a baseline holds several runs (the bootstrap over runs needs them to see run-to-run spread) and
 * old ones are pruned past `keep`. Plain files: a CI cache or a git commit can carry them.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readRunResult } from '../read-run-result.ts';
import type { RunResult } from '../run-result.ts';
import { CompareError } from './compare-error.ts';

/** Where baselines live unless the user names a directory. */
export const DEFAULT_BASELINE_DIR = path.join('reports', 'baselines');
/** Runs kept per baseline; the oldest go first. */
export const DEFAULT_KEEP = 20;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface StoredRun { file: string; scenario: string; startedAt: string; verdict: string }
export interface BaselineInfo { name: string; runs: StoredRun[] }

/** Throws CompareError unless `name` is a safe directory name (never a path). */
export function checkBaselineName(name: string): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new CompareError(`baseline name ${JSON.stringify(name)} is not allowed`, 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit (e.g. main, release-1.2)');
  }
  return name;
}

/** Adds a run to the baseline `name` (created if new), prunes past `keep`; returns the file written. */
export async function saveBaseline(dir: string, name: string, result: RunResult, keep = DEFAULT_KEEP): Promise<string> {
  checkBaselineName(name);
  if (!(Number.isInteger(keep) && keep >= 1)) throw new CompareError(`--keep ${keep} is not a positive whole number`, 'write e.g. --keep 20');
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  const stem = `${result.startedAt.replace(/[:.]/g, '-')}-${result.scenario.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const existing = new Set(await jsonFiles(folder));
  let file = `${stem}.json`;
  for (let i = 2; existing.has(file); i++) file = `${stem}-${i}.json`;
  const target = path.join(folder, file);
  const tmp = `${target}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(tmp, target);
  const files = [...existing, file].sort();
  for (const old of files.slice(0, Math.max(0, files.length - keep))) await rm(path.join(folder, old), { force: true });
  return target;
}

/** Every baseline in `dir` with its runs, oldest run first; an absent directory has none. */
export async function listBaselines(dir: string): Promise<BaselineInfo[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const out: BaselineInfo[] = [];
  for (const e of entries.filter((d) => d.isDirectory() && NAME.test(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const runs = await Promise.all((await jsonFiles(path.join(dir, e.name))).map(async (f): Promise<StoredRun> => {
      const file = path.join(dir, e.name, f);
      const r = await readRunResult(file);
      return { file, scenario: r.scenario, startedAt: r.startedAt, verdict: r.verdict };
    }));
    out.push({ name: e.name, runs: runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt)) });
  }
  return out;
}

/** The runs of baseline `name`, oldest first; CompareError when it does not exist or is empty. */
export async function loadBaseline(dir: string, name: string): Promise<RunResult[]> {
  checkBaselineName(name);
  const files = await jsonFiles(path.join(dir, name)).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    const known = (await listBaselines(dir)).map((b) => b.name);
    throw new CompareError(
      `no baseline named ${JSON.stringify(name)} in ${dir}`,
      known.length > 0 ? `known baselines: ${known.join(', ')}` : `save one first: caplab baseline save result.json --name ${name}${dir === DEFAULT_BASELINE_DIR ? '' : ` --dir ${dir}`}`,
    );
  });
  if (files.length === 0) throw new CompareError(`baseline ${JSON.stringify(name)} in ${dir} holds no runs`, `save one: caplab baseline save result.json --name ${name}`);
  const runs = await Promise.all(files.map((f) => readRunResult(path.join(dir, name, f))));
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The runs of baseline `name`, oldest first, or none when it does not exist (a trend says so instead of failing). */
export async function baselineRunsOrNone(dir: string, name: string): Promise<RunResult[]> {
  checkBaselineName(name);
  const files = await jsonFiles(path.join(dir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const runs = await Promise.all(files.map((f) => readRunResult(path.join(dir, name, f))));
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function jsonFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((f) => f.endsWith('.json')).sort();
}
