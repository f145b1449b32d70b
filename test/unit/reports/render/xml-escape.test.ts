import assert from 'node:assert/strict';
import { xmlAttr, xmlText } from '../../../../reports/render/xml-escape.ts';

describe('render/xml-escape', () => {
  it('escapes the five markup characters in attributes', () => {
    assert.equal(xmlAttr(`<a & "b" 'c'>`), '&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
  });

  it('escapes markup in text but leaves quotes, which text may carry', () => {
    assert.equal(xmlText(`1 < 2 && "x"`), '1 &lt; 2 &amp;&amp; "x"');
  });

  it('turns characters XML 1.0 forbids into visible escapes', () => {
    assert.equal(xmlText('a\u0000b\u0007c\u001bd\uFFFF'), 'a\\u0000b\\u0007c\\u001bd\\uffff');
    assert.equal(xmlText('lone \uD800 surrogate'), 'lone \\ud800 surrogate');
  });

  it('keeps tab, newline and carriage return in text and a valid surrogate pair intact', () => {
    assert.equal(xmlText('a\tb\nc\rd 😀'), 'a\tb\nc\rd 😀');
  });

  it('encodes whitespace in attributes so attribute normalisation keeps it', () => {
    assert.equal(xmlAttr('a\tb\nc\rd'), 'a&#9;b&#10;c&#13;d');
  });
});
