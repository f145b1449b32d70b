import assert from 'node:assert/strict';
import { encodeBodyType, parseEncodeRequest } from '../../../../reference-impl/fsk/encode-request.ts';
import { FskError } from '../../../../reference-impl/fsk/fsk-error.ts';

const json = (value: unknown) => parseEncodeRequest(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), 'json', 140);

function refused(run: () => unknown, status: number, code: string, pattern: RegExp): void {
  assert.throws(run, (err: unknown) => err instanceof FskError && err.status === status && err.code === code && pattern.test(err.message));
}

describe('POST /encode request', () => {
  it('needs only text; the defaults are ggwave-to-file\'s (audible-fast, volume 50, 48 kHz)', () => {
    const job = json({ text: 'Hello World' });
    assert.deepEqual({ ...job, payload: Buffer.from(job.payload).toString() }, { kind: 'encode', payload: 'Hello World', protocol: 'audible-fast', volume: 50, sampleRate: 48_000 });
  });

  it('takes every field from JSON or from a form', () => {
    const expected = { protocol: 'ultrasound-fastest', volume: 10, sampleRate: 44_100 };
    const fromJson = json({ text: 'a', ...expected });
    const fromForm = parseEncodeRequest(Buffer.from('text=a&protocol=ultrasound-fastest&volume=10&sampleRate=44100'), 'form', 140);
    for (const job of [fromJson, fromForm]) assert.deepEqual({ protocol: job.protocol, volume: job.volume, sampleRate: job.sampleRate }, expected);
  });

  it('measures the text limit in UTF-8 bytes: 140 bytes pass, 141 are refused with 413', () => {
    assert.equal(json({ text: 'x'.repeat(140) }).payload.length, 140);
    assert.equal(json({ text: '✓'.repeat(46) + 'xx' }).payload.length, 140);
    refused(() => json({ text: 'x'.repeat(141) }), 413, 'text_too_long', /141 bytes in UTF-8; the limit is 140 \(ggwave .* would silently cut the rest\)/);
    refused(() => json({ text: '✓'.repeat(47) }), 413, 'text_too_long', /141 bytes/);
    refused(() => parseEncodeRequest(Buffer.from(JSON.stringify({ text: 'abcdef' })), 'json', 5), 413, 'text_too_long', /the limit is 5/);
  });

  it('accepts numbers written as digit strings in JSON too, as forms send them', () => {
    assert.equal(json({ text: 'a', volume: '50' }).volume, 50);
  });

  it('accepts only JSON and form bodies, by Content-Type, ignoring parameters', () => {
    assert.equal(encodeBodyType('application/json; charset=utf-8'), 'json');
    assert.equal(encodeBodyType('Application/X-WWW-Form-Urlencoded'), 'form');
    refused(() => encodeBodyType('text/plain'), 415, 'unsupported_media_type', /not 'text\/plain'/);
    refused(() => encodeBodyType(undefined), 415, 'unsupported_media_type', /\(no Content-Type\)/);
  });

  describe('refuses bad bodies with 400 naming the problem', () => {
    const cases: Array<[string, () => unknown, string, RegExp]> = [
      ['text that is not JSON', () => json('{"text": '), 'bad_json', /not valid JSON/],
      ['a JSON array', () => json([1]), 'bad_json', /must be a JSON object .* got an array/],
      ['a JSON string', () => json('"hi"'), 'bad_json', /got "hi"/],
      ['JSON null', () => json('null'), 'bad_json', /got null/],
      ['no text field', () => json({}), 'missing_text', /'text' field is required/],
      ['a null text', () => json({ text: null }), 'missing_text', /required/],
      ['an empty text', () => json({ text: '' }), 'empty_text', /'text' is empty/],
      ['a numeric text', () => json({ text: 5 }), 'bad_field', /'text' must be a string, got number 5/],
      ['an unknown field (a typo)', () => json({ text: 'a', protocl: 'audible-fast' }), 'bad_field', /unknown field\(s\) 'protocl'/],
      ['an unknown protocol', () => json({ text: 'a', protocol: 'loud' }), 'bad_field', /unknown 'protocol' "loud"; use one of audible-normal/],
      ['a protocol left out for failing round trips', () => json({ text: 'a', protocol: 'dt-normal' }), 'bad_field', /unknown 'protocol' "dt-normal"/],
      ['a volume of 4', () => json({ text: 'a', volume: 4 }), 'bad_field', /'volume' must be a whole number from 5 to 100, got number 4/],
      ['a fractional volume', () => json({ text: 'a', volume: 5.5 }), 'bad_field', /'volume'/],
      ['a volume that is not a number', () => json({ text: 'a', volume: 'loud' }), 'bad_field', /got "loud"/],
      ['a sample rate too low for the protocol', () => json({ text: 'a', protocol: 'ultrasound-fast', sampleRate: 32_000 }), 'bad_field', /ultrasound-fast needs at least 40950 Hz/],
      ['a sample rate above 96 kHz', () => json({ text: 'a', sampleRate: 192_000 }), 'bad_field', /'sampleRate' must be a whole number from 13388 to 96000/],
      ['a form field given twice', () => parseEncodeRequest(Buffer.from('text=a&text=b'), 'form', 140), 'bad_field', /'text' is given more than once/],
      ['a form without text', () => parseEncodeRequest(Buffer.from('protocol=audible-fast'), 'form', 140), 'missing_text', /required/],
    ];
    for (const [name, run, code, pattern] of cases) it(name, () => refused(run, 400, code, pattern));
  });
});
