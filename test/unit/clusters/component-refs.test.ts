import assert from 'node:assert/strict';
import { componentRefs, deployOrder, hostPortOf, refCycle, resolveAll, resolveRefs } from '../../../clusters/component-refs.ts';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';

const endpoints = { tunnel: 'http://127.0.0.1:40001', echo: 'http://127.0.0.1:40002/' };

describe('component references ({{endpoint NAME}} and {{hostport NAME}})', () => {
  it('finds every reference in flags and env string values, with where it sits', () => {
    const refs = componentRefs({ server: 'ws://{{hostport tunnel}}/ws', 'local-target': '{{ hostport echo }}', n: 3, on: true }, { UPSTREAM: '{{endpoint echo}}/x and {{endpoint tunnel}}' });
    assert.deepEqual(refs, [
      { kind: 'hostport', name: 'tunnel', path: ['flags', 'server'] },
      { kind: 'hostport', name: 'echo', path: ['flags', 'local-target'] },
      { kind: 'endpoint', name: 'echo', path: ['env', 'UPSTREAM'] },
      { kind: 'endpoint', name: 'tunnel', path: ['env', 'UPSTREAM'] },
    ]);
  });

  it('leaves other templates and plain values alone', () => {
    assert.deepEqual(componentRefs({ a: '{{randInt 1 2}}', b: '{{endpoint}}', c: 'plain' }, {}), []);
    assert.equal(resolveRefs('{{randInt 1 2}} plain', endpoints), '{{randInt 1 2}} plain');
  });

  it('fills an endpoint as the base URL without a trailing slash and a hostport as host:port', () => {
    assert.equal(resolveRefs('ws://{{hostport tunnel}}/ws', endpoints), 'ws://127.0.0.1:40001/ws');
    assert.equal(resolveRefs('{{endpoint echo}}/api', endpoints), 'http://127.0.0.1:40002/api');
    assert.deepEqual(resolveAll({ t: '{{hostport echo}}', n: 5, b: false }, endpoints), { t: '127.0.0.1:40002', n: 5, b: false });
  });

  it('fills in the default port of an external URL without one', () => {
    assert.equal(hostPortOf('http://localhost/'), 'localhost:80');
    assert.equal(hostPortOf('https://localhost/x'), 'localhost:443');
  });

  it('throws on a name that is not deployed rather than passing the template through', () => {
    assert.throws(() => resolveRefs('{{endpoint nope}}', endpoints), /no component named 'nope'/);
  });

  it('orders components in waves, referenced first, independent ones together', () => {
    const deps = new Map([['agent', ['tunnel', 'echo']], ['tunnel', []], ['echo', []], ['client', ['agent']]]);
    assert.deepEqual(deployOrder(deps), [['tunnel', 'echo'], ['agent'], ['client']]);
  });

  it('counts a name outside the map as already there (deployed earlier)', () => {
    assert.deepEqual(deployOrder(new Map([['agent', ['old']]])), [['agent']]);
  });

  it('finds a cycle, a self-reference included, and refuses to order one', () => {
    assert.deepEqual(refCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
    assert.deepEqual(refCycle(new Map([['a', ['a']]])), ['a', 'a']);
    assert.equal(refCycle(new Map([['a', ['b']], ['b', []]])), null);
    assert.throws(() => deployOrder(new Map([['a', ['b']], ['b', ['a']]])), /cycle: a -> b -> a/);
  });
});

describe('scenario validation of component references', () => {
  const scenario = (components: string) => `name: refs
components:
${components}
workloads:
  main:
    executor: constant-vus
    vus: 1
    duration: 1s
    http: { target: echo, path: / }
`;

  it('accepts a tunnel agent naming the server and the echo it forwards to', () => {
    const out = parseScenario(scenario(`  echo: { component: echo }
  tunnel: { component: tunnel-server }
  agent:
    component: tunnel-agent
    flags: { server: "ws://{{hostport tunnel}}/ws", local-target: "{{hostport echo}}" }`), 'refs.yaml');
    assert.equal(out.ok, true, out.ok ? '' : JSON.stringify(out.issues));
  });

  it('reports an unknown name at the flag or env value that holds it', () => {
    const out = parseScenario(scenario(`  echo: { component: echo }
  agent:
    component: tunnel-agent
    flags: { server: "ws://{{hostport tunel}}/ws" }
    env: { UP: "{{endpoint ecko}}" }`), 'refs.yaml');
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.deepEqual(out.issues.map((i) => [i.line, i.path]), [[6, 'components.agent.flags.server'], [7, 'components.agent.env.UP']]);
    assert.match(out.issues[0]!.message, /\{\{hostport tunel\}\} names no component of this scenario; components are: echo, agent/);
  });

  it('reports a cycle at the reference that starts it', () => {
    const out = parseScenario(scenario(`  echo:
    component: echo
    env: { PEER: "{{endpoint other}}" }
  other:
    component: echo
    flags: { peer: "{{hostport echo}}" }`), 'refs.yaml');
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.equal(out.issues.length, 1, JSON.stringify(out.issues));
    assert.deepEqual([out.issues[0]!.line, out.issues[0]!.path], [5, 'components.echo.env.PEER']);
    assert.match(out.issues[0]!.message, /cycle \(echo -> other -> echo\)/);
  });
});
