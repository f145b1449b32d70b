import assert from 'node:assert/strict';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';

const scenario = (thresholdKey: string) => `name: scraped-thresholds
components:
  front:
    component: echo
    scrape: { metrics: [echo_in_flight] }
workloads:
  w: { executor: constant-arrival-rate, rate: 10/s, duration: 1s, http: { target: front } }
thresholds:
  "${thresholdKey}": [{ stat: max, good: "< 50" }]
`;

describe('thresholds on scraped gauges', () => {
  it('judges <component>.<metric> as a gauge when the component scrapes it', () => {
    const out = parseScenario(scenario('front.echo_in_flight'), 'x.yaml');
    assert.ok(out.ok, out.ok ? '' : out.issues.map((i) => i.message).join('; '));
    const spec = out.plan.thresholds['front.echo_in_flight'];
    assert.ok(spec, JSON.stringify(Object.keys(out.plan.thresholds)));
  });

  it('refuses a gauge the component does not scrape, or a component that is not there, at the key', () => {
    const notScraped = parseScenario(scenario('front.echo_requests_total'), 'x.yaml');
    assert.ok(!notScraped.ok);
    assert.match(notScraped.issues.map((i) => i.message).join('\n'), /needs component front to scrape echo_requests_total: add it to front.scrape.metrics/);
    const noComponent = parseScenario(scenario('back.echo_in_flight'), 'x.yaml');
    assert.ok(!noComponent.ok);
    assert.match(noComponent.issues.map((i) => i.message).join('\n'), /component "back", which is not in this scenario/);
  });

  it('accepts <component>.scrape_failures, caplab\'s own count, for any component that scrapes, and only for one', () => {
    const ok = parseScenario(scenario('front.scrape_failures'), 'x.yaml');
    assert.ok(ok.ok, ok.ok ? '' : ok.issues.map((i) => i.message).join('; '));
    const noScrape = parseScenario(scenario('front.scrape_failures').replace('    scrape: { metrics: [echo_in_flight] }\n', ''), 'x.yaml');
    assert.ok(!noScrape.ok);
    assert.match(noScrape.issues.map((i) => i.message).join('\n'), /needs component front to scrape scrape_failures/);
  });
});
