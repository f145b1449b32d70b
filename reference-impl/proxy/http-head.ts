/**
 * Minimal HTTP/1.1 head parsers for the fast path (fast-path.ts). They accept only what they fully
 * understand and say `null` for anything else: the caller then hands the connection to Node's
 * HTTP server (requests) or answers 502 (responses), so a strict subset here is never a
 * correctness risk, only a slower path.
 */

/** RFC 9110 token characters (header names, methods). */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** Headers that describe one hop, not the message (RFC 9110 7.6.1); `expect` is never forwarded either. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** A request head the fast path can forward as is. */
export interface FastRequestHead {
  method: string;
  path: string;
  /** the head to send upstream, hop-by-hop fields left out and X-Forwarded-For set; ends with the blank line */
  upstreamHead: string;
}

/** One parsed header line, or null if the line is not a plain `name: value` with a token name and visible value. */
function headerLine(line: string): { name: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return null;
  }
  const value = line.slice(colon + 1).trim();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return null;
  }
  return { name: line.slice(0, colon).toLowerCase(), value };
}

/**
 * Parses a complete request head (`head` is latin1 text up to, not including, the blank line).
 * Returns null unless it is an HTTP/1.1 request with an origin-form target, no body (no
 * Content-Length other than 0, no Transfer-Encoding), no Upgrade, no Expect, no `Connection`
 * other than keep-alive and no obs-fold: those go through Node's HTTP server.
 */
export function parseRequestHead(head: string, remote: string): FastRequestHead | null {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || requestLine.slice(sp2 + 1) !== 'HTTP/1.1') return null;
  const method = requestLine.slice(0, sp1);
  const path = requestLine.slice(sp1 + 1, sp2);
  for (let i = 0; i < method.length; i++) { const c = method.charCodeAt(i); if (c < 0x41 || c > 0x5a) return null; }
  if (path.charCodeAt(0) !== 0x2f) return null;
  for (let i = 0; i < path.length; i++) { const c = path.charCodeAt(i); if (c <= 0x20 || c >= 0x7f) return null; }
  let out = requestLine + '\r\n';
  let xff: string | undefined;
  let host = false;
  let start = lineEnd === -1 ? head.length : lineEnd + 2;
  while (start < head.length) {
    let end = head.indexOf('\r\n', start);
    if (end === -1) end = head.length;
    const line = head.slice(start, end);
    start = end + 2;
    const h = headerLine(line);
    if (h === null || line.includes('\n')) return null; // also obs-fold: a line starting with SP/HT has no token name
    switch (h.name) {
      case 'content-length': if (h.value !== '0') return null; continue;
      case 'transfer-encoding': case 'upgrade': case 'expect': return null;
      case 'connection': if (h.value.toLowerCase() !== 'keep-alive') return null; continue;
      case 'x-forwarded-for': xff = xff === undefined ? h.value : `${xff}, ${h.value}`; continue;
      case 'host': if (host) return null; host = true; break;
    }
    if (HOP_BY_HOP.has(h.name)) continue;
    out += line + '\r\n';
  }
  if (!host) return null;
  out += `x-forwarded-for: ${xff === undefined ? remote : `${xff}, ${remote}`}\r\n\r\n`;
  return { method, path, upstreamHead: out };
}

/** How an upstream response's body ends. */
export type BodyFraming = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/** A parsed upstream response head. */
export interface ResponseHead {
  status: number;
  /** status line and end-to-end header lines for the client, each ending in CRLF, no blank line */
  clientHead: string;
  framing: BodyFraming;
  /** the upstream connection may carry another request after this response */
  reusable: boolean;
}

/**
 * Parses a complete upstream response head (latin1, up to, not including, the blank line) for a
 * request with `method`. Returns null if it is malformed (the caller answers 502). A chunked body
 * keeps its Transfer-Encoding towards the (HTTP/1.1) client and is passed through as is; a body
 * with neither length nor chunked framing is close-delimited.
 */
export function parseResponseHead(head: string, method: string): ResponseHead | null {
  const lineEnd = head.indexOf('\r\n');
  const statusLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  if (!/^HTTP\/1\.[01] [1-9]\d\d(?: [^\r\n]*)?$/.test(statusLine)) return null;
  const http10 = statusLine.charCodeAt(7) === 0x30;
  const status = Number(statusLine.slice(9, 12));
  let out = 'HTTP/1.1' + statusLine.slice(8) + '\r\n'; // the client's hop is HTTP/1.1 whatever the upstream's
  let length: number | undefined;
  let te: string | undefined;
  let close = http10;
  let start = lineEnd === -1 ? head.length : lineEnd + 2;
  while (start < head.length) {
    let end = head.indexOf('\r\n', start);
    if (end === -1) end = head.length;
    const line = head.slice(start, end);
    start = end + 2;
    const h = headerLine(line);
    if (h === null) return null;
    if (h.name === 'content-length') {
      if (!/^\d{1,15}$/.test(h.value) || (length !== undefined && length !== Number(h.value))) return null;
      if (length !== undefined) continue; // an identical duplicate is sent once
      length = Number(h.value);
    } else if (h.name === 'transfer-encoding') {
      te = te === undefined ? h.value.toLowerCase() : `${te}, ${h.value.toLowerCase()}`;
      continue;
    } else if (h.name === 'connection') {
      const v = h.value.toLowerCase();
      if (v.includes('close')) close = true;
      if (http10 && v.includes('keep-alive')) close = false;
      continue;
    } else if (HOP_BY_HOP.has(h.name)) {
      continue;
    }
    out += line + '\r\n';
  }
  let framing: BodyFraming;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) framing = { kind: 'length', length: 0 };
  else if (te !== undefined) {
    // RFC 9112 6.3: chunked last means chunked (and Content-Length is ignored, the connection not reused); otherwise read to close
    if (/(?:^|,)\s*chunked\s*$/.test(te)) { framing = { kind: 'chunked' }; close = close || length !== undefined; out += 'transfer-encoding: chunked\r\n'; } else { framing = { kind: 'close' }; out += `transfer-encoding: ${te}\r\n`; }
    if (length !== undefined) out = out.replace(/^content-length:[^\r]*\r\n/im, '');
  } else if (length !== undefined) framing = { kind: 'length', length };
  else framing = { kind: 'close' };
  return { status, clientHead: out, framing, reusable: !close && framing.kind !== 'close' };
}
