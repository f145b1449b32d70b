import assert from 'node:assert/strict';
import { transportErrorCode } from '../../../harness/drivers/http-error-code.ts';
import { HttpParseError } from '../../../harness/drivers/http-fast/response-parser.ts';

const errno = (code: string): Error => Object.assign(new Error(code), { code });

const cases: { name: string; err: unknown; code: string }[] = [
  { name: 'a refused connection keeps its errno code', err: errno('ECONNREFUSED'), code: 'ECONNREFUSED' },
  { name: 'an undici headers timeout is a timeout', err: errno('UND_ERR_HEADERS_TIMEOUT'), code: 'timeout' },
  { name: 'an undici body timeout is a timeout', err: errno('UND_ERR_BODY_TIMEOUT'), code: 'timeout' },
  { name: 'an undici connect timeout is a timeout', err: errno('UND_ERR_CONNECT_TIMEOUT'), code: 'timeout' },
  { name: 'an undici socket error reports the socket error beneath it', err: Object.assign(errno('UND_ERR_SOCKET'), { cause: errno('EPIPE') }), code: 'EPIPE' },
  { name: 'an undici socket error with nothing beneath is a reset', err: errno('UND_ERR_SOCKET'), code: 'ECONNRESET' },
  { name: 'an llhttp parse error is a protocol error', err: errno('HPE_INVALID_CONSTANT'), code: 'EPROTO' },
  { name: 'an undici parser error without a code is a protocol error', err: Object.assign(new Error('Expected HTTP/'), { name: 'HTTPParserError' }), code: 'EPROTO' },
  { name: 'the fast parser error is a protocol error', err: new HttpParseError('x'), code: 'EPROTO' },
  { name: 'an AbortError is an abort', err: Object.assign(new Error('stop'), { name: 'AbortError' }), code: 'aborted' },
  { name: 'an error wrapping a coded cause takes the cause code', err: new Error('fetch failed', { cause: errno('ENOTFOUND') }), code: 'ENOTFOUND' },
  { name: 'anything else is just an error', err: 'boom', code: 'error' },
];

describe('transport error codes', () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(transportErrorCode(c.err), c.code));
  }
});
