/**
 * The whole HTTP/1.1 request of a static workload, serialised once: request line, Host, the
 * scenario's headers, Content-Length and body. The fast engine writes this same Buffer for every
 * request, which is most of why it is fast.
 */
import { CaplabError } from '../../errors.ts';

export interface RequestSpec {
  method: string;
  /** path and query, starting with `/` */
  path: string;
  /** `host[:port]`, the Host header unless `headers` sets one */
  host: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer | null;
  /** Content-Type to send unless `headers` sets one (json bodies) */
  contentType?: string | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values may hold any latin1 byte but CR, LF and NUL, which would split the request.
const FORBIDDEN_IN_VALUE = /[\r\n\0\u0100-\uffff]/;
const FORBIDDEN_IN_PATH = /[\s\0\u0080-\uffff]/;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
// Framing is ours: a scenario that set these would desynchronise the connection.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding']);

/** Serialises a request once; throws a scenario error for headers or paths that would break framing. */
export function buildRequestBytes(spec: RequestSpec): Buffer {
  if (!TOKEN.test(spec.method)) throw invalid(`method ${JSON.stringify(spec.method)} is not an HTTP token`);
  if (!spec.path.startsWith('/') || FORBIDDEN_IN_PATH.test(spec.path)) {
    throw invalid(`path ${JSON.stringify(spec.path)} must start with / and hold no spaces, control or non-ASCII characters (percent-encode them)`);
  }
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\n`;
  const names = Object.keys(spec.headers).map((n) => n.toLowerCase());
  if (!names.includes('host')) head += `Host: ${spec.host}\r\n`;
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!TOKEN.test(name)) throw invalid(`header name ${JSON.stringify(name)} is not an HTTP token`);
    if (FORBIDDEN_IN_VALUE.test(value)) throw invalid(`header ${name} holds a CR, LF, NUL or non-latin1 character`);
    if (FRAMING_HEADERS.has(name.toLowerCase())) throw invalid(`header ${name} is set by caplab from the body; remove it`);
    head += `${name}: ${value}\r\n`;
  }
  if (spec.contentType !== undefined && !names.includes('content-type')) head += `Content-Type: ${spec.contentType}\r\n`;
  if (spec.body !== null || METHODS_WITH_BODY.has(spec.method)) head += `Content-Length: ${spec.body?.length ?? 0}\r\n`;
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return spec.body === null || spec.body.length === 0 ? headBytes : Buffer.concat([headBytes, spec.body]);
}

function invalid(detail: string): CaplabError {
  return new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `http: ${detail}`);
}
