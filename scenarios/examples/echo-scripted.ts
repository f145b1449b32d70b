/**
 * A scenario in TypeScript: the same fields as YAML, typed, plus functions where YAML cannot go.
 * Each iteration builds its own request (a seeded random item id and a JSON body), and a check
 * function judges the response beside a data check. Run: caplab run scenarios/examples/echo-scripted.ts
 */
import { defineScenario } from 'caplab/scenario';

export default defineScenario({
  name: 'echo-scripted',
  description: 'echo with a request built per iteration by a function and a check function',
  components: {
    echo: { component: 'echo', flags: { 'response-size': 64 } },
  },
  workloads: {
    items: {
      executor: 'constant-arrival-rate',
      rate: '50/s',
      duration: '5s',
      maxVUs: 50,
      http: {
        target: 'echo',
        name: 'item',
        request: (ctx) => ({
          method: 'POST',
          path: `/items/${1 + Math.floor(ctx.random() * 1000)}`,
          json: { iteration: ctx.iteration, vu: ctx.vu },
        }),
        checks: [
          { status: 200 },
          { name: 'body is 64 bytes', check: (res) => res.body.length === 64 || `got ${res.body.length} bytes` },
        ],
      },
    },
  },
  thresholds: {
    http_req_failed: ['rate < 0.1%'],
    checks: ['rate > 99.9%'],
    'http_req_duration{name:item}': ['p(95) < 100ms'],
  },
});
