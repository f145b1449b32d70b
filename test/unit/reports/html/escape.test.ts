import assert from 'node:assert/strict';
import { escapeHtml, inlineScriptSource, jsonForScript } from '../../../../reports/render/html/escape.ts';

describe('report.html escaping', () => {
  it('escapes the five markup characters of text and attribute values', () => {
    assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('keeps JSON for a script element from closing it or opening a comment, and still parses to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', note: '<!-- a & b -->', sep: 'a\u2028b' };
    const json = jsonForScript(value);
    assert.doesNotMatch(json, /<|>|\u2028/);
    assert.deepEqual(JSON.parse(json), value);
  });

  it('refuses to inline a script source that would end its element', () => {
    assert.throws(() => inlineScriptSource('lib', 'var s = "</script>";'), /lib contains "<\/script"/);
    assert.throws(() => inlineScriptSource('lib', 'x <!-- y'), /cannot be inlined/);
    assert.equal(inlineScriptSource('lib', 'var a = 1 < 2;'), 'var a = 1 < 2;');
  });
});
