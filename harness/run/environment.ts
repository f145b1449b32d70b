/** The environment fingerprint every RunResult carries, so numbers are never compared blind. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Environment } from '../../reports/run-result.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** caplab's own version from package.json. */
export function caplabVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

export function environment(provider: string): Environment {
  const cpus = os.cpus();
  return {
    caplabVersion: caplabVersion(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch} ${os.release()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
    provider,
  };
}
