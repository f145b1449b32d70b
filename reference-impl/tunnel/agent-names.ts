/**
 * What an owner and an agent id may look like. Both end up in a DNS label,
 * `user-<owner>-<agent>.<domain>`, so they are lower-case letters, digits and (agent only) dashes.
 * The owner has no dash, which makes the label parse one way only: the owner is everything up to
 * the first dash after `user-`.
 */

const OWNER_RE = /^[a-z0-9]{1,32}$/;
const AGENT_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A DNS label is at most 63 bytes. */
const MAX_LABEL = 63;

/** An authenticated agent (or connect client): who it is and whose traffic it may carry. */
export interface Identity {
  /** the agent id (JWT `sub`, or the first column of a token file) */
  readonly id: string;
  readonly owner: string;
  /** when the credential stops being valid, ms since the epoch; undefined = never (token file) */
  readonly expiresAtMs: number | undefined;
}

/** True for an owner name usable in a host label. */
export function isValidOwner(owner: string): boolean {
  return OWNER_RE.test(owner);
}

/** True for an agent id usable in a host label together with `owner`. */
export function isValidAgentId(id: string, owner = 'x'): boolean {
  return AGENT_RE.test(id) && `user-${owner}-${id}`.length <= MAX_LABEL;
}

/** The host label users reach an agent at, e.g. `user-alice-laptop`. */
export function agentHostLabel(owner: string, id: string): string {
  return `user-${owner}-${id}`;
}
