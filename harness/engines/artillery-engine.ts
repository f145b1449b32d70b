/**
 * The artillery engine: runs the user's Artillery script with the user's artillery CLI (an
 * optional peer, never a dependency) with its target replaced by the workload's, then reads the
 * JSON report back into caplab's metrics (harness/authoring/artillery-metrics.ts) and per-second
 * series (artillery-series.ts). Artillery's telemetry goes to a local sink, so the run neither
 * leaks nor waits on the network (artillery-cli.ts).
 *
 * Artillery writes its report when it exits, so nothing is recorded while it runs: live
 * thresholds (`abortOnCritical`) and the progress line see the run only at its end, and the
 * series come from Artillery's 10 s periods (see artillery-series.ts for what that loses).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordArtilleryRun } from '../authoring/artillery-metrics.ts';
import { ARTILLERY_INSTALL, locateArtillery, runArtillery } from '../authoring/artillery-cli.ts';
import { readArtilleryReport } from '../authoring/artillery-report.ts';
import { artillerySeries } from '../authoring/artillery-series.ts';
import type { DriverDeps } from '../drivers/driver.ts';
import { resolveTarget } from '../drivers/http.ts';
import { CaplabError } from '../errors.ts';
import type { ArtilleryEngineConfig } from './artillery-schema.ts';
import { noIterations, type EngineDriver, type EngineOutcome, type EngineRun } from './engine-driver.ts';

export const ARTILLERY_NOTE = 'ran on Artillery: counts are exact; latency percentiles are Artillery\'s own, timed from the send (no coordinated-omission correction), with histograms rebuilt between its printed percentiles; series come from its 10 s periods (counts spread evenly over each period\'s seconds, one latency point per period)';

/** The driver the engine executor runs for an `artillery:` block. */
export function createArtilleryEngine(config: ArtilleryEngineConfig, deps: DriverDeps): EngineDriver {
  const target = resolveTarget(config.target, '/', deps.endpoints);
  const url = new URL(target.path, target.origin).href.replace(/\/$/, '');
  return {
    ...noIterations('artillery'),
    drive: (run) => driveArtillery(config, url, deps, run),
    close: async () => {},
  };
}

async function driveArtillery(config: ArtilleryEngineConfig, url: string, deps: DriverDeps, run: EngineRun): Promise<EngineOutcome> {
  const workload = deps.tags['workload'] ?? 'artillery';
  if (run.shard.count > 1) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `workload ${workload}: an artillery workload runs as one artillery process and cannot be split over load generators`, { hint: 'run it without --load-generators' });
  }
  if (run.signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
  const bin = locateArtillery({ ...(config.bin !== undefined ? { bin: path.resolve(deps.baseDir, config.bin) } : {}), fromDir: deps.baseDir });
  if (bin === null) {
    throw new CaplabError('CAPLAB_ERR_TOOL_MISSING', config.bin !== undefined
      ? `workload ${workload}: artillery not found at ${path.resolve(deps.baseDir, config.bin)} (the block's bin:)`
      : `workload ${workload}: the artillery CLI is not installed (an optional peer: caplab does not depend on it)`, {
      hint: `install it with \`${ARTILLERY_INSTALL}\` (or in the project, then node_modules/.bin/artillery is found), or point bin: or CAPLAB_ARTILLERY at it`,
    });
  }
  const script = path.resolve(deps.baseDir, config.script);
  if (!existsSync(script)) throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `workload ${workload}: artillery.script ${config.script} does not exist (looked at ${script})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-artillery-engine-'));
  const reportFile = path.join(dir, 'report.json');
  const zeroMs = Date.now() - run.offsetSeconds * 1000;
  try {
    const r = await runArtillery({ bin, script, reportFile, target: url, timeoutMs: run.durationMs + config.timeout, signal: run.signal });
    // Stopped by caplab (SIGINT, abortOnCritical, the warm-up's end): Artillery wrote no report.
    if (run.signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
    if (!existsSync(reportFile)) {
      const why = r.timedOut ? `was stopped after ${(run.durationMs + config.timeout) / 1000} s (duration + timeout)` : `exited with code ${r.exitCode}`;
      throw new CaplabError('CAPLAB_ERR_IMPORT', `workload ${workload}: artillery ${why} without writing its report${tail(r.stderr || r.stdout)}`, {
        hint: `run the script alone to see why: artillery run --target ${url} ${script}; raise the block's timeout if its phases last longer than the workload's duration`,
      });
    }
    const { run: ingested, periods } = readArtilleryReport(readFileSync(reportFile, 'utf8'), reportFile);
    recordArtilleryRun(ingested, deps.recorder, deps.tags);
    return {
      iterations: ingested.iterations + ingested.iterationsFailed,
      dropped: 0,
      interrupted: 0,
      // Artillery's own span, so the achieved rate is over the time it was sending.
      ...(ingested.durationSeconds > 0 ? { activeMs: ingested.durationSeconds * 1000 } : {}),
      series: artillerySeries(periods, zeroMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tail(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '').slice(-5);
  return lines.length > 0 ? `:\n${lines.join('\n')}` : '';
}
