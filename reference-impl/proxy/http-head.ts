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
  /** Content-Length of the request's body (0: none); its bytes follow the head */
  bodyLength: number;
}

/** Lengths of the header names either parser acts on: any other name is copied without being lower-cased. */
const NAMED = new Uint8Array(32);
for (const n of [...HOP_BY_HOP, 'content-length', 'x-forwarded-for', 'host']) NAMED[n.length] = 1;

function isHopByHop(name: string): boolean {
  // a switch, not HOP_BY_HOP.has(): a Set would hash each freshly lower-cased name
  switch (name) {
    case 'connection': case 'keep-alive': case 'proxy-connection': case 'transfer-encoding': case 'te': case 'trailer': case 'upgrade': case 'expect': return true;
    default: return false;
  }
}

/**
 * The colon of header line `head[start, end)`, or -1 unless the line is a plain `name: value` with a
 * token name and a value without control characters (so no obs-fold: a line starting with SP/HT
 * has no token name).
 */
function headerColon(head: string, start: number, end: number): number {
  const colon = head.indexOf(':', start);
  if (colon <= start || colon >= end) return -1;
  for (let i = start; i < colon; i++) {
    const c = head.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return -1;
  }
  for (let i = colon + 1; i < end; i++) {
    const c = head.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return -1;
  }
  return colon;
}

/** The lower-cased name of a header one of the parsers acts on, '' for any other. */
function namedHeader(head: string, start: number, colon: number): string {
  const n = colon - start;
  return n < NAMED.length && NAMED[n] === 1 ? head.slice(start, colon).toLowerCase() : '';
}

/**
 * The header lines of a head, for both parsers: next() moves to a line and checks it (`colon` is -1
 * if it is not a plain `name: value`), `name` is set for the names the parsers act on; drop() leaves
 * the line out of the copy, which is made of ranges of the head rather than line by line.
 */
class HeaderLines {
  /** the current line's colon, -1 if the line is malformed */
  colon = -1;
  /** the current line's lower-cased name if a parser acts on it, else '' */
  name = '';
  private start = 0;
  private end: number;
  private copyFrom: number;

  /** Lines start after `end + 2`; the copy is `out` followed by the head from `copyFrom`. */
  constructor(private readonly head: string, end: number, private out: string, copyFrom: number) {
    this.end = end;
    this.copyFrom = copyFrom;
  }

  /** Moves to the next line; false past the last one. */
  next(): boolean {
    const head = this.head;
    this.start = this.end + 2;
    if (this.start >= head.length) return false;
    let end = head.indexOf('\r\n', this.start);
    if (end === -1) end = head.length;
    this.end = end;
    this.colon = headerColon(head, this.start, end);
    this.name = this.colon === -1 ? '' : namedHeader(head, this.start, this.colon);
    return true;
  }

  /** The current line's value, String.trim()med. */
  value(): string { return this.head.slice(this.colon + 1, this.end).trim(); }

  /** The current line's value without only the SP/HTAB around it (owsValue). */
  owsValue(): string { return owsValue(this.head, this.colon + 1, this.end); }

  /** Leaves the current line out of the copy. */
  drop(): void {
    this.out += this.head.slice(this.copyFrom, this.start);
    this.copyFrom = this.end + 2;
  }

  /** The copy: every line not dropped, each ending in CRLF. */
  copied(): string {
    return this.copyFrom < this.head.length ? this.out + this.head.slice(this.copyFrom) + '\r\n' : this.out;
  }
}

/**
 * Parses a complete request head (`head` is latin1 text up to, not including, the blank line).
 * Returns null unless it is an HTTP/1.1 request with an origin-form target, a body framed by
 * Content-Length if any (no Transfer-Encoding, no differing Content-Lengths), no Upgrade, no Expect,
 * no `Connection` other than keep-alive and no obs-fold: those go through Node's HTTP server.
 * Kept lines are copied as ranges of `head`, not line by line.
 */
export function parseRequestHead(head: string, remote: string): FastRequestHead | null {
  const crlf = head.indexOf('\r\n');
  const lineEnd = crlf === -1 ? head.length : crlf;
  const sp1 = head.indexOf(' ');
  if (sp1 <= 0 || sp1 >= lineEnd) return null;
  const sp2 = head.indexOf(' ', sp1 + 1);
  if (sp2 === -1 || sp2 >= lineEnd || lineEnd - sp2 !== 9 || !head.startsWith('HTTP/1.1', sp2 + 1)) return null;
  for (let i = 0; i < sp1; i++) { const c = head.charCodeAt(i); if (c < 0x41 || c > 0x5a) return null; }
  if (head.charCodeAt(sp1 + 1) !== 0x2f) return null;
  for (let i = sp1 + 1; i < sp2; i++) { const c = head.charCodeAt(i); if (c <= 0x20 || c >= 0x7f) return null; }
  let xff: string | undefined;
  let host = false;
  let bodyLength: number | undefined;
  const lines = new HeaderLines(head, lineEnd, '', 0);
  while (lines.next()) {
    if (lines.colon === -1) return null;
    let drop = false;
    switch (lines.name) {
      case '': break;
      case 'content-length': {
        const v = lines.owsValue();
        if (!isDigits(v) || (bodyLength !== undefined && bodyLength !== Number(v))) return null;
        drop = bodyLength !== undefined || v === '0' || Number(v) === 0; // a duplicate is sent once; a 0 is not sent at all
        bodyLength = Number(v);
        break;
      }
      case 'transfer-encoding': case 'upgrade': case 'expect': return null;
      case 'connection': if (lines.value().toLowerCase() !== 'keep-alive') return null; drop = true; break;
      case 'x-forwarded-for': { const v = lines.value(); xff = xff === undefined ? v : `${xff}, ${v}`; drop = true; break; }
      case 'host': if (host) return null; host = true; break;
      default: drop = isHopByHop(lines.name);
    }
    if (drop) lines.drop();
  }
  if (!host) return null;
  let out = lines.copied();
  out += `x-forwarded-for: ${xff === undefined ? remote : `${xff}, ${remote}`}\r\n\r\n`;
  return { method: head.slice(0, sp1), path: head.slice(sp1 + 1, sp2), upstreamHead: out, bodyLength: bodyLength ?? 0 };
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
  const crlf = head.indexOf('\r\n');
  const lineEnd = crlf === -1 ? head.length : crlf;
  // HTTP/1.[01] [1-9]dd, then the end of the line or a space and a reason without CR or LF
  if (lineEnd < 12 || !head.startsWith('HTTP/1.', 0) || head.charCodeAt(8) !== 0x20) return null;
  const minor = head.charCodeAt(7);
  const d0 = head.charCodeAt(9) - 0x30, d1 = head.charCodeAt(10) - 0x30, d2 = head.charCodeAt(11) - 0x30;
  if ((minor !== 0x30 && minor !== 0x31) || d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  if (lineEnd > 12 && head.charCodeAt(12) !== 0x20) return null;
  for (let i = 13; i < lineEnd; i++) { const c = head.charCodeAt(i); if (c === 0x0d || c === 0x0a) return null; }
  const http10 = minor === 0x30;
  const status = d0 * 100 + d1 * 10 + d2;
  let length: number | undefined;
  let te: string | undefined;
  let close = http10;
  // the client's hop is HTTP/1.1 whatever the upstream's
  const lines = new HeaderLines(head, lineEnd, http10 ? 'HTTP/1.1' : '', http10 ? 8 : 0);
  while (lines.next()) {
    if (lines.colon === -1) return null;
    const name = lines.name;
    let drop = false;
    if (name === 'content-length') {
      const v = lines.owsValue();
      if (!isDigits(v) || (length !== undefined && length !== Number(v))) return null;
      if (length !== undefined) drop = true; // an identical duplicate is sent once
      length = Number(v);
    } else if (name === 'transfer-encoding') {
      const v = lines.value().toLowerCase();
      te = te === undefined ? v : `${te}, ${v}`;
      drop = true;
    } else if (name === 'connection') {
      const v = lines.value().toLowerCase();
      if (v.includes('close')) close = true;
      if (http10 && v.includes('keep-alive')) close = false;
      drop = true;
    } else if (name !== '') {
      drop = isHopByHop(name);
    }
    if (drop) lines.drop();
  }
  let out = lines.copied();
  let framing: BodyFraming;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) framing = LENGTH_ZERO;
  else if (te !== undefined) {
    // RFC 9112 6.3: chunked last means chunked (and Content-Length is ignored, the connection not reused); otherwise read to close
    if (/(?:^|,)\s*chunked\s*$/.test(te)) { framing = { kind: 'chunked' }; close = close || length !== undefined; out += 'transfer-encoding: chunked\r\n'; } else { framing = { kind: 'close' }; out += `transfer-encoding: ${te}\r\n`; }
    if (length !== undefined) out = out.replace(/^content-length:[^\r]*\r\n/im, '');
  } else if (length !== undefined) framing = { kind: 'length', length };
  else framing = { kind: 'close' };
  return { status, clientHead: out, framing, reusable: !close && framing.kind !== 'close' };
}

const LENGTH_ZERO: BodyFraming = { kind: 'length', length: 0 };

/**
 * `head[from, to)` without the optional whitespace (SP, HTAB) around a field value: only that, since
 * String.trim() also strips NBSP and other latin1 spaces a framing header must not carry (a
 * Content-Length of "\u00a05" would frame a body by a value the upstream may read otherwise).
 */
function owsValue(head: string, from: number, to: number): string {
  while (from < to && (head.charCodeAt(from) === 0x20 || head.charCodeAt(from) === 0x09)) from++;
  while (to > from && (head.charCodeAt(to - 1) === 0x20 || head.charCodeAt(to - 1) === 0x09)) to--;
  return head.slice(from, to);
}

/** 1 to 15 ASCII digits: a Content-Length a double holds exactly. */
function isDigits(v: string): boolean {
  if (v.length === 0 || v.length > 15) return false;
  for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c < 0x30 || c > 0x39) return false; }
  return true;
}
