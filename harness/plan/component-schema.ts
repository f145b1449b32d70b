/**
 * The `components:` entries of a scenario: a reference service to start, or an external URL.
 * Components may name each other in flags and env (clusters/component-refs.ts), e.g. a tunnel agent
 * with `server: "ws://{{hostport tunnel}}/ws"`; the provider starts the named one first.
 */
import { z } from 'zod';
import { scrapeSchema } from './scrape-schema.ts';
import { bytes, cpu, duration } from './zod-units.ts';

export const componentSchema = z.strictObject({
  component: z.string().min(1).optional().describe('reference component to start, as `caplab serve <component>` (echo, ...)'),
  url: z.url({ protocol: /^https?$/ }).optional().describe('an external target instead of a reference component; loopback only unless --allow-remote-target'),
  flags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('flags passed to the component, e.g. { delay: 200ms, response-size: 1KiB }; in a string value `{{endpoint NAME}}` becomes component NAME\'s base URL (http://127.0.0.1:PORT) and `{{hostport NAME}}` its 127.0.0.1:PORT, and NAME is started first'),
  env: z.record(z.string(), z.string()).default({}).describe('environment variables for the component process; `{{endpoint NAME}}` and `{{hostport NAME}}` work as in flags'),
  replicas: z.number().int().min(1).max(64).default(1).describe('processes (local) or pods (Kubernetes) to run'),
  readiness: z.strictObject({
    path: z.string().startsWith('/').default('/health').describe('HTTP path that answers 2xx when the component is ready'),
    timeout: duration().default(30_000).describe('how long to wait for readiness before failing the run'),
  }).default({ path: '/health', timeout: 30_000 }).describe('readiness probe'),
  limits: z.strictObject({
    cpu: cpu().optional().describe('CPU limit in cores (500m, 2): component_cpu is judged in percent of it'),
    memory: bytes().optional().describe('memory limit (256Mi): component_memory_of_limit is judged against it'),
  }).optional().describe('resource limits; on the local provider they are not enforced, only judged against'),
  scrape: scrapeSchema.optional().describe('Prometheus metrics to read from the component at each resource sample (gauges `<component>.<metric>`), and memory per unit fitted against them'),
}).superRefine((c, ctx) => {
  if ((c.component === undefined) === (c.url === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'a component needs exactly one of `component:` (a reference service) or `url:` (an external target)' });
  }
});

export type ComponentConfig = z.output<typeof componentSchema>;
