/**
 * The `artillery:` block of an `executor: engine` workload: the user's own Artillery script, run
 * by the user's artillery CLI (an optional peer) with its target pointed at a component, its JSON
 * report read back into caplab's metrics.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';

export const artilleryEngineSchema = z.strictObject({
  script: z.string().min(1).describe('the Artillery script (YAML), relative to the scenario file; its phases set the load'),
  target: z.string().min(1).describe('a component name from `components:`, or an http:// URL: replaces the script\'s config.target (artillery --target)'),
  bin: z.string().min(1).optional().describe('the artillery executable, relative to the scenario file (default: $CAPLAB_ARTILLERY, node_modules/.bin/artillery from the scenario\'s directory up, then PATH)'),
  timeout: duration().default(60_000).describe('how long past the workload\'s duration Artillery may run (its start-up included) before it is stopped'),
}).describe('run the user\'s Artillery script with the artillery CLI and judge its JSON report with caplab\'s thresholds');

export type ArtilleryEngineConfig = z.output<typeof artilleryEngineSchema>;
