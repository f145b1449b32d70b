/**
 * The safety rule for external targets: caplab sends load only to this machine unless the user
 * says otherwise, so a typo in a scenario cannot load-test someone else's service. Only literal
 * loopback addresses and `localhost` count; names are not resolved.
 */
import { isIPv4 } from 'node:net';
import { CaplabError } from '../../harness/errors.ts';

/** True for localhost, 127.0.0.0/8, ::1 and IPv4-mapped 127.x (as WHATWG URL spells hostnames). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** Throws CAPLAB_ERR_REMOTE_TARGET unless the URL is loopback or remote targets are allowed. */
/** `who` names the component or workload in the message. */
export function checkTargetUrl(who: string, url: string, allowRemoteTarget: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CaplabError('CAPLAB_ERR_USAGE', `${who}: url '${url}' is not a valid URL`, {
      hint: 'write an absolute URL such as http://127.0.0.1:8080',
    });
  }
  if (!allowRemoteTarget && !isLoopbackHost(parsed.hostname)) {
    throw new CaplabError('CAPLAB_ERR_REMOTE_TARGET', `${who} points at ${parsed.host}`);
  }
}
