/**
 * The HTTP driver for requests built per iteration, on undici: a single templated request, a
 * weighted mix (`requests:`), or a sequence (`steps:`). Each iteration gets a scope: its seeded
 * generator, its `vars:` evaluated in order, and its dataset item; every request of the iteration
 * renders from that scope, so a decode step's check can compare against the text its encode step
 * sent. Each request records under its own `name` tag.
 *
 * Steps: each one starts when the previous one has answered, so its corrected latency is measured
 * from then, not from the iteration's intended time (that wait was the previous step's latency).
 * A step that fails (transport error, failed check, nothing to capture) ends the iteration: the
 * steps after it are not sent, and iterations_failed{name:<step>} counts it.
 */
import type { Clock } from '../executors/clock.ts';
import type { CounterHandle } from '../metrics/recorder.ts';
import type { Dataset } from './dataset.ts';
import { itemFor } from './dataset.ts';
import type { Driver, IterationContext } from './driver.ts';
import type { CompiledCaptures } from './http-capture.ts';
import type { HttpMetrics } from './http-metrics.ts';
import type { RequestTemplate } from './http-request-template.ts';
import type { ExchangeResult, UndiciClient } from './http-undici.ts';
import { iterationRandom } from './seeded-random.ts';
import type { Template, TemplateScope } from './template.ts';
import type { WeightedPick } from './weighted-pick.ts';

/** One request of the flow, compiled. */
export interface FlowRequest {
  readonly template: RequestTemplate;
  readonly metrics: HttpMetrics;
  /** steps only: values kept from the response */
  readonly captures: CompiledCaptures | null;
  /** steps only: counts iterations this step ended */
  readonly failed: CounterHandle | null;
}

export interface FlowOptions {
  client: UndiciClient;
  /** the target's own path prefix and Host */
  prefix: string;
  host: string;
  /** `vars:`, evaluated in order at the start of every iteration */
  vars: readonly (readonly [string, Template])[];
  /** one request (a templated single request), a mix to pick from, or steps to run in order */
  form: { kind: 'one'; request: FlowRequest } | { kind: 'mix'; requests: readonly FlowRequest[]; pick: WeightedPick } | { kind: 'steps'; steps: readonly FlowRequest[] };
  /** this thread's seed: with the iteration number it seeds every random choice */
  seed: number;
  /** the dataset whose item `{{item.…}}` reads, when the workload sends one */
  dataset: Dataset | undefined;
  clock: Clock;
}

export class HttpFlowDriver implements Driver {
  constructor(private readonly o: FlowOptions) {}

  /** Runs one iteration: one request, one picked from the mix, or every step until one fails. Never rejects. */
  async iterate(ctx: IterationContext): Promise<void> {
    if (ctx.signal.aborted || this.o.client.isClosed) return;
    const { form } = this.o;
    const scope = this.scopeFor(ctx);
    // The mix's pick is the iteration generator's first draw, so it depends on nothing else.
    const picked = form.kind === 'mix' ? form.requests[form.pick.pick(scope.rng.next())]! : null;
    for (const [name, t] of this.o.vars) scope.vars.set(name, t.render(scope));
    if (form.kind === 'one') {
      await this.send(form.request, scope, ctx.intendedTime, ctx.signal);
    } else if (picked !== null) {
      await this.send(picked, scope, ctx.intendedTime, ctx.signal);
    } else if (form.kind === 'steps') {
      let intended = ctx.intendedTime;
      for (const step of form.steps) {
        const res = await this.send(step, scope, intended, ctx.signal);
        if (ctx.signal.aborted || this.o.client.isClosed) return;
        if (res === null || res.failed || step.captures?.apply(res.body, res.headers, scope.vars) != null) {
          step.failed!.add(1);
          return;
        }
        intended = this.o.clock.now();
      }
    }
  }

  close(): Promise<void> {
    return this.o.client.close();
  }

  private scopeFor(ctx: IterationContext): TemplateScope {
    const { dataset } = this.o;
    return {
      iteration: ctx.iteration,
      vu: ctx.vu,
      index: ctx.iteration,
      rng: iterationRandom(this.o.seed, ctx.iteration),
      vars: new Map(),
      item: dataset ? itemFor(dataset, ctx.iteration) : undefined,
    };
  }

  private send(r: FlowRequest, scope: TemplateScope, intendedTime: number, signal: AbortSignal): Promise<ExchangeResult | null> {
    const req = r.template.render(scope, this.o.prefix, this.o.host);
    return this.o.client.exchange(
      { path: req.path, method: r.template.method, headers: req.headers, headBytes: req.headBytes, metrics: r.metrics, keepBody: r.captures?.needsBody ?? false, scope },
      req.body,
      intendedTime,
      signal,
    );
  }
}
