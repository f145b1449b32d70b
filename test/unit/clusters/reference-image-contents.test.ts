/**
 * What the reference image needs, checked without Docker: every source file the two entries
 * (reference-impl/main.ts for components, harness/run/load-generator-process.ts for the Indexed
 * Job's generators) import is in the build context (.dockerignore) and copied (Dockerfile COPY),
 * every package they import statically is a production dependency (the image installs with
 * --omit=dev), and the entry script runs each by its first argument.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRIES = ['reference-impl/main.ts', 'harness/run/load-generator-process.ts'];

/** Source files and statically imported packages of the entries, as esbuild resolves them. */
async function closure(): Promise<{ files: string[]; packages: Set<string> }> {
  const r = await build({ absWorkingDir: ROOT, entryPoints: ENTRIES, bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, packages: 'external', logLevel: 'silent', outdir: join(tmpdir(), 'caplab-image-closure') });
  const packages = new Set<string>();
  for (const input of Object.values(r.metafile.inputs)) {
    for (const i of input.imports) {
      if (!i.external || i.kind !== 'import-statement' || i.path.startsWith('node:') || i.path.startsWith('.')) continue;
      packages.add(i.path.split('/').slice(0, i.path.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return { files: Object.keys(r.metafile.inputs), packages };
}

describe('the reference image holds what its entries need', function () {
  this.timeout(30_000);

  it('copies every source file the components and the load generator import, and the context lets each in', async () => {
    const { files } = await closure();
    assert.ok(files.includes('harness/run/load-generator-agent.ts'), 'the load generator is part of the closure');
    const dockerfile = await readFile(join(ROOT, 'clusters/image/Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) \S+$/gm)].map((m) => m[1]!.replace(/\/?$/, '/'));
    const ignore = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    assert.equal(ignore[0], '*', 'the context is an allowlist');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    for (const f of files) {
      assert.ok(copied.some((c) => f.startsWith(c)), `${f} is not copied by any COPY in the Dockerfile (${copied.join(', ')})`);
      assert.ok(allowed.some((a) => (a.endsWith('/') ? f.startsWith(a) : f === a)), `${f} is left out of the build context by .dockerignore`);
    }
  });

  it('imports only production dependencies statically (the image installs with --omit=dev)', async () => {
    const { packages } = await closure();
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(packages.has('ws'));
    for (const p of packages) assert.ok(p in pkg.dependencies, `${p} is imported by an entry of the image but is not in dependencies`);
  });

  it('the entry script runs `load-generator ...` through the harness and a component through reference-impl', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'caplab-entry-'));
    try {
      // A `node` that prints its arguments stands in for the real one.
      await writeFile(join(dir, 'node'), '#!/bin/sh\necho "$@"\n');
      await chmod(join(dir, 'node'), 0o755);
      const run = (...args: string[]) => new Promise<string>((resolve, reject) => {
        execFile('sh', [join(ROOT, 'clusters/image/entrypoint.sh'), ...args], { env: { PATH: `${dir}:/usr/bin:/bin` } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
      });
      assert.equal(await run('load-generator', '--listen', '0.0.0.0:7070'), '--import tsx /app/harness/run/load-generator-process.ts --listen 0.0.0.0:7070');
      assert.equal(await run('caplab', 'load-generator', '--listen', '0.0.0.0:7070'), '--import tsx /app/harness/run/load-generator-process.ts --listen 0.0.0.0:7070');
      assert.equal(await run('serve', 'echo', '--port', '8080'), '--import tsx /app/reference-impl/main.ts echo --port 8080');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
