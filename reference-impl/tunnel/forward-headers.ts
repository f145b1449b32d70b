/**
 * Header rewriting for the HTTP ingress, as a reverse proxy must do it (RFC 9110 section 7.6.1):
 * hop-by-hop headers (and any named in Connection) stay on their hop, the request gains
 * X-Forwarded-For/-Host/-Proto. Headers stay as flat raw lists so case and repeats survive.
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** Raw headers without hop-by-hop ones; `also` drops more names (lower-case). */
export function endToEndHeaders(raw: readonly string[], also: ReadonlySet<string> = new Set()): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || also.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

export interface ForwardedFrom {
  remoteAddress: string | undefined;
  host: string | undefined;
  /** the stripped `/agents/<id>` prefix of the path form */
  prefix?: string;
}

/**
 * The headers of a request as the agent's target receives it. `expect` is dropped too: the server
 * already answered 100-continue to the user. A chunked request body stays chunked.
 */
export function requestHeadersForAgent(raw: readonly string[], from: ForwardedFrom): string[] {
  const chunked = raw.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'transfer-encoding');
  const out = endToEndHeaders(raw, new Set(['expect', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-prefix']));
  const priorFor = valuesOf(raw, 'x-forwarded-for');
  const clientIp = from.remoteAddress ?? 'unknown';
  out.push('X-Forwarded-For', priorFor.length > 0 ? `${priorFor.join(', ')}, ${clientIp}` : clientIp);
  if (from.host !== undefined) out.push('X-Forwarded-Host', from.host);
  out.push('X-Forwarded-Proto', 'http');
  if (from.prefix !== undefined) out.push('X-Forwarded-Prefix', from.prefix);
  if (chunked) out.push('Transfer-Encoding', 'chunked');
  return out;
}

function connectionTokens(raw: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (const value of valuesOf(raw, 'connection')) {
    for (const t of value.split(',')) tokens.add(t.trim().toLowerCase());
  }
  return tokens;
}

function valuesOf(raw: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) values.push(raw[i + 1]!);
  return values;
}
