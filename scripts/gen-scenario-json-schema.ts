/**
 * Writes scenarios/scenario.schema.json from the zod scenario schema, for editors
 * (`# yaml-language-server: $schema=...`). With --check it only compares and exits 1 when the
 * checked-in file is stale (fastify's test:validator:integrity habit): CI runs that.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { scenarioSchema } from '../harness/plan/scenario-schema.ts';

const OUT = fileURLToPath(new URL('../scenarios/scenario.schema.json', import.meta.url));

/** The JSON Schema text, as it should be on disk. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  const doc = { ...schema, $id: 'https://caplab.dev/scenario.schema.json', title: 'caplab scenario', description: 'A caplab scenario: components to deploy, workloads to drive, thresholds to judge.' };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const want = scenarioJsonSchema();
  if (process.argv.includes('--check')) {
    const have = await readFile(OUT, 'utf8').catch(() => '');
    if (have !== want) {
      process.stderr.write('scenarios/scenario.schema.json is stale: run `npm run gen:schema` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('scenarios/scenario.schema.json is up to date\n');
  } else {
    await writeFile(OUT, want);
    process.stdout.write(`wrote ${OUT}\n`);
  }
}
