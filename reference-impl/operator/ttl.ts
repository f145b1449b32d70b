/**
 * The seed's TTL feature: an agent idle for `ttl` is scaled to 0. Idleness counts from the later of
 * the agent's creation and its last-activity annotation. TTL "0" (or none) skips the check.
 * Checks are staggered as in the seed (an offset from a hash of the agent's key within a window),
 * so agents created together do not all expire, and reconcile, in the same instant; each agent is
 * re-queued for its own deadline instead of a sweep over every agent each minute.
 */
import { LAST_ACTIVITY_ANNOTATION, type RDEAgent } from './rdeagent.ts';

export type ParsedTtl = { kind: 'disabled' } | { kind: 'after'; ms: number } | { kind: 'invalid'; message: string };

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ("30m", "8h", "1h30m", "0"); absent, "" and "0" disable the TTL. */
export function parseTtl(text: string | undefined): ParsedTtl {
  const s = (text ?? '').trim();
  if (s === '' || s === '0') return { kind: 'disabled' };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || consumed === 0) {
    return { kind: 'invalid', message: `spec.ttl ${JSON.stringify(text)} is not a duration; use e.g. "30m", "8h" or "0" to never scale down` };
  }
  return total === 0 ? { kind: 'disabled' } : { kind: 'after', ms: total };
}

/** A stable offset in [0, windowMs) from the key (FNV-1a), spreading checks over the window. */
export function staggerOffsetMs(key: string, windowMs: number): number {
  if (windowMs <= 0) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % Math.floor(windowMs);
}

export type TtlState =
  | { kind: 'disabled' }
  | { kind: 'invalid'; message: string }
  /** active until deadline (ms since epoch); idle once now passes it */
  | { kind: 'active' | 'idle'; lastActivity: number; deadline: number };

/** Where the agent stands against its TTL at `now`. */
export function ttlState(agent: RDEAgent, key: string, now: number, staggerWindowMs: number): TtlState {
  const ttl = parseTtl(agent.spec?.ttl);
  if (ttl.kind !== 'after') return ttl;
  const lastActivity = lastActivityMs(agent);
  const deadline = lastActivity + ttl.ms + staggerOffsetMs(key, staggerWindowMs);
  return { kind: now >= deadline ? 'idle' : 'active', lastActivity, deadline };
}

/** The later of creation and a valid last-activity annotation; an unreadable annotation is ignored. */
export function lastActivityMs(agent: RDEAgent): number {
  const created = Date.parse(String(agent.metadata.creationTimestamp ?? ''));
  const annotated = Date.parse(agent.metadata.annotations?.[LAST_ACTIVITY_ANNOTATION] ?? '');
  const candidates = [created, annotated].filter((t) => Number.isFinite(t));
  // no creation time at all (never so from a real API server): count from the epoch, i.e. already idle
  return candidates.length === 0 ? 0 : Math.max(...candidates);
}
