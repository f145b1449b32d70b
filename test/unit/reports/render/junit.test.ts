import assert from 'node:assert/strict';
import { renderJUnit } from '../../../../reports/render/junit.ts';
import type { RunResult, ThresholdResult } from '../../../../reports/run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';

interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const ENTITY = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
// XML 1.0 Char production, minus what the renderer must never emit raw.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(s: string): string {
  assert.doesNotMatch(s.replace(ENTITY, ''), /[&<]/, `unescaped markup in ${JSON.stringify(s)}`);
  return s.replace(ENTITY, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** A strict little parser: enough to prove junit.xml is well-formed and to read it back. */
function parseXml(xml: string): XmlElement {
  assert.doesNotMatch(xml, NOT_XML_CHAR, 'a character XML 1.0 forbids');
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attrText, selfClosing, text] = m;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      top.text += decode(text);
    } else if (closing) {
      assert.equal(name, top.name, `</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        assert.ok(!(a[1]! in attrs), `duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!);
      }
      const el: XmlElement = { name: name!, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClosing) stack.push(el);
    }
  }
  assert.equal(consumed, body.length, `cannot parse from: ${body.slice(consumed, consumed + 80)}`);
  assert.equal(stack.length, 1, 'unclosed elements');
  assert.equal(root.children.filter((c) => c.name !== '#text').length, 1, 'one root element');
  return root.children[0]!;
}

function suiteOf(r: RunResult, failOn: 'critical' | 'warning' = 'critical'): XmlElement {
  const doc = parseXml(renderJUnit(r, { failOn }));
  assert.equal(doc.name, 'testsuites');
  const suites = doc.children.filter((c) => c.name === 'testsuite');
  assert.equal(suites.length, 1);
  return suites[0]!;
}

const testcases = (suite: XmlElement): XmlElement[] => suite.children.filter((c) => c.name === 'testcase');
const child = (tc: XmlElement, name: string): XmlElement | undefined => tc.children.find((c) => c.name === name);
const byName = (suite: XmlElement, name: string): XmlElement => {
  const tc = testcases(suite).find((t) => t.attrs['name'] === name);
  assert.ok(tc, `no testcase ${name}`);
  return tc;
};

function assertCountsAgree(suite: XmlElement): void {
  const cases = testcases(suite);
  assert.equal(Number(suite.attrs['tests']), cases.length);
  assert.equal(Number(suite.attrs['failures']), cases.filter((c) => child(c, 'failure')).length);
  assert.equal(Number(suite.attrs['errors']), cases.filter((c) => child(c, 'error')).length);
}

describe('render/junit', () => {
  it('writes one testcase per threshold plus generator health on a good run, none failing', () => {
    const r = exampleRunResult('good');
    const suite = suiteOf(r);
    assert.equal(suite.attrs['name'], 'echo-constant-rate');
    assert.equal(suite.attrs['time'], '60.000');
    assert.equal(testcases(suite).length, r.thresholds.length + 1);
    assert.equal(suite.attrs['failures'], '0');
    assert.equal(suite.attrs['errors'], '0');
    const tc = byName(suite, 'http_req_duration p(95)');
    assert.equal(tc.attrs['classname'], 'echo-constant-rate');
    assert.match(child(tc, 'system-out')!.text, /^http_req_duration p\(95\) = 2\.51 ms \(good: < 100ms; warning: < 500ms; source: scenario\)$/);
    assertCountsAgree(suite);
  });

  it('fails every critical threshold with its level and value', () => {
    const suite = suiteOf(exampleRunResult('critical'));
    assert.equal(suite.attrs['failures'], '5');
    const failure = child(byName(suite, 'http_req_failed rate'), 'failure')!;
    assert.equal(failure.attrs['type'], 'critical');
    assert.equal(failure.attrs['message'], 'CRIT: rate = 2.32%');
    assert.match(failure.text, /good: < 0\.1%; warning: < 1%/);
    assertCountsAgree(suite);
  });

  it('fails warnings only under --fail-on warning, and notes them otherwise', () => {
    const r = exampleRunResult('warning');
    const lenient = suiteOf(r, 'critical');
    assert.equal(lenient.attrs['failures'], '0');
    assert.match(child(byName(lenient, 'http_req_failed rate'), 'system-out')!.text, /^WARN: .*passes under --fail-on critical$/);
    const strict = suiteOf(r, 'warning');
    assert.equal(strict.attrs['failures'], String(r.thresholds.filter((t) => t.level === 'warning').length));
    assert.equal(child(byName(strict, 'http_req_failed rate'), 'failure')!.attrs['type'], 'warning');
    assertCountsAgree(strict);
  });

  it('fails a no-data threshold with "no data" only under --fail-on warning', () => {
    const r = exampleRunResult('no-data');
    const strict = child(byName(suiteOf(r, 'warning'), 'ws_connecting p(95)'), 'failure')!;
    assert.equal(strict.attrs['message'], 'no data');
    const lenient = byName(suiteOf(r, 'critical'), 'ws_connecting p(95)');
    assert.equal(child(lenient, 'failure'), undefined);
    assert.match(child(lenient, 'system-out')!.text, /^NO DATA: ws_connecting p\(95\) = no data/);
  });

  it('fails the generator health testcase when the verdict is invalid', () => {
    const suite = suiteOf(exampleRunResult('invalid'));
    const failure = child(byName(suite, 'generator health'), 'failure')!;
    assert.equal(failure.attrs['type'], 'invalid');
    assert.match(failure.text, /900 of 6000 iterations were dropped/);
    assert.equal(child(byName(suiteOf(exampleRunResult('good')), 'generator health'), 'failure'), undefined);
    assertCountsAgree(suite);
  });

  it('reports each harness error as an error and an aborted run as a failed run completed case', () => {
    const r = exampleRunResult('aborted');
    const suite = suiteOf(r);
    const error = child(byName(suite, 'harness error CAPLAB_ERR_DRIVER_CONNECT'), 'error')!;
    assert.equal(error.attrs['type'], 'CAPLAB_ERR_DRIVER_CONNECT');
    assert.equal(error.attrs['message'], 'cannot connect to the target: connect ECONNREFUSED 127.0.0.1:41873');
    assert.equal(error.text, 'hint: check that the target is up and the URL is right');
    assert.equal(child(byName(suite, 'run completed'), 'failure')!.attrs['type'], 'aborted');
    assert.equal(testcases(suite).length, r.thresholds.length + 3);
    assert.equal(suite.attrs['errors'], '1');
    assert.equal(suite.attrs['time'], '12.000');
    assertCountsAgree(suite);
  });

  it('escapes markup, quotes and control characters so any name survives the round trip', () => {
    const r = exampleRunResult('critical');
    const nasty = `a<b>&"c" 'd'\u0001\u001b]]>`;
    r.scenario = nasty;
    r.thresholds = [{ ...r.thresholds[0]!, key: `lat{name:${nasty}}` } satisfies ThresholdResult];
    r.errors = [{ code: 'CAPLAB_ERR_INTERNAL', message: `boom <${nasty}>\nline two`, hint: `see & fix "it"` }];
    const xml = renderJUnit(r, { failOn: 'critical' });
    assert.doesNotMatch(xml, /[\u0001\u001b]/);
    const suite = suiteOf(r);
    const visible = `a<b>&"c" 'd'\\u0001\\u001b]]>`;
    assert.equal(suite.attrs['name'], visible);
    assert.equal(byName(suite, `lat{name:${visible}} p(95)`).attrs['classname'], visible);
    const error = child(byName(suite, 'harness error CAPLAB_ERR_INTERNAL'), 'error')!;
    assert.equal(error.attrs['message'], `boom <${visible}>\nline two`);
    assert.equal(error.text, 'hint: see & fix "it"');
    assertCountsAgree(suite);
  });
});
