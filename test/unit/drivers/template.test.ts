import assert from 'node:assert/strict';
import { deriveSeed, iterationRandom } from '../../../harness/drivers/seeded-random.ts';
import { compileTemplate, TemplateError, type TemplateScope } from '../../../harness/drivers/template.ts';

function scope(over: Partial<TemplateScope> = {}): TemplateScope {
  return {
    iteration: 7, vu: 3, index: 2,
    rng: iterationRandom(deriveSeed(1, 'w'), 7),
    vars: new Map<string, string | Buffer>([['text', 'hello'], ['wav', Buffer.from('RIFF')]]),
    item: { body: Buffer.from('item-bytes'), fields: { text: 'Test message 4242' } },
    ...over,
  };
}

describe('templates', () => {
  const renders: { name: string; source: string; expect: string | RegExp }[] = [
    { name: 'a string without braces renders as itself', source: '/items?x=1', expect: '/items?x=1' },
    { name: 'iteration and vu render as numbers', source: '/i/{{iteration}}/v/{{vu}}', expect: '/i/7/v/3' },
    { name: 'spaces inside the braces are allowed', source: '{{  iteration }}', expect: '7' },
    { name: 'index renders the dataset item number', source: 'n{{index}}', expect: 'n2' },
    { name: 'randInt stays within its inclusive bounds', source: 'Test message {{randInt 1000 9999}}', expect: /^Test message [1-9]\d{3}$/ },
    { name: 'randInt with equal bounds is that number', source: '{{randInt 5 5}}', expect: '5' },
    { name: 'randString makes letters and digits of the given length', source: '{{randString 8}}', expect: /^[A-Za-z0-9]{8}$/ },
    { name: 'uuid makes a version-4 UUID', source: '{{uuid}}', expect: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/ },
    { name: 'var reads an iteration variable', source: '{"text":"{{var text}}"}', expect: '{"text":"hello"}' },
    { name: 'var reads captured bytes as UTF-8', source: '{{var wav}}', expect: 'RIFF' },
    { name: 'an unset var renders empty', source: '[{{var nope}}]', expect: '[]' },
    { name: 'item.FIELD reads a field of the dataset item', source: '{{item.text}}', expect: 'Test message 4242' },
    { name: 'item.body reads the item bytes as UTF-8', source: '{{item.body}}', expect: 'item-bytes' },
    { name: 'a lone closing pair is literal text', source: 'a }} b', expect: 'a }} b' },
    { name: 'several expressions render in order', source: '{{vu}}-{{iteration}}-{{var text}}', expect: '3-7-hello' },
  ];
  for (const c of renders) {
    it(c.name, () => {
      const out = compileTemplate(c.source).render(scope());
      if (typeof c.expect === 'string') assert.equal(out, c.expect);
      else assert.match(out, c.expect);
    });
  }

  const errors: { name: string; source: string; message: RegExp }[] = [
    { name: 'an unclosed opening pair is an error', source: '/x/{{iteration', message: /unclosed "\{\{" at character 4/ },
    { name: 'empty braces are an error', source: '{{ }}', message: /empty "\{\{\}\}"/ },
    { name: 'an unknown expression names the known ones', source: '{{random}}', message: /unknown expression "random": write one of iteration, vu, index, uuid, randInt/ },
    { name: 'randInt needs two bounds', source: '{{randInt 5}}', message: /write it as \{\{randInt MIN MAX\}\}/ },
    { name: 'randInt bounds must be ordered integers', source: '{{randInt 9 1}}', message: /MIN <= MAX/ },
    { name: 'randInt bounds must be integers', source: '{{randInt a 1}}', message: /two integers/ },
    { name: 'randString needs a positive length', source: '{{randString 0}}', message: /length from 1/ },
    { name: 'var needs a name', source: '{{var}}', message: /\{\{var NAME\}\}/ },
    { name: 'a var name is an identifier', source: '{{var a.b}}', message: /a var name is letters/ },
    { name: 'iteration takes no argument', source: '{{iteration 2}}', message: /\{\{iteration\}\}/ },
  ];
  for (const c of errors) {
    it(c.name, () => assert.throws(() => compileTemplate(c.source), (err: unknown) => err instanceof TemplateError && c.message.test(err.message)));
  }

  it('reports a string without expressions as static and lists the vars and item fields used', () => {
    assert.equal(compileTemplate('/plain').isStatic, true);
    const t = compileTemplate('{{var a}}{{item.text}}{{var b}}{{index}}');
    assert.equal(t.isStatic, false);
    assert.deepEqual(t.refs, { vars: ['a', 'b'], itemFields: ['text'], usesIndex: true });
  });

  it('renders the same random values for the same seed and iteration, and others for another iteration', () => {
    const t = compileTemplate('{{randInt 1 1000000}} {{randString 12}} {{uuid}}');
    const at = (seed: number, iteration: number) => t.render(scope({ rng: iterationRandom(deriveSeed(seed, 'w'), iteration) }));
    assert.equal(at(1, 42), at(1, 42));
    assert.notEqual(at(1, 42), at(1, 43));
    assert.notEqual(at(1, 42), at(2, 42));
  });

  it('spreads randInt evenly over its range', () => {
    const t = compileTemplate('{{randInt 0 9}}');
    const counts = new Array<number>(10).fill(0);
    const base = deriveSeed(1, 'spread');
    for (let i = 0; i < 10_000; i++) counts[Number(t.render(scope({ rng: iterationRandom(base, i) })))]!++;
    for (const c of counts) assert.ok(c > 900 && c < 1100, `counts ${counts.join(',')}`);
  });
});
