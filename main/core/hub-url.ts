/**
 * Which hub URLs the desktop signs in to: https, or plain http on this machine only (127.0.0.0/8,
 * ::1, localhost), where nothing crosses a network. Anything else would send the password and the
 * session token in clear, so it is refused with the reason, unless the user sets
 * TEND_ALLOW_HTTP_HUB=1 for a lab network (CoreOptions.allowInsecureHub).
 */
import { CoreError } from './errors';

export const ALLOW_HTTP_HUB_ENV = 'TEND_ALLOW_HTTP_HUB';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return /^127(\.\d{1,3}){3}$/.test(h);
}

/** The URL when a hub may be used at it; throws CoreError('insecure_hub' | 'invalid') otherwise. */
export function checkHubUrl(raw: string, allowInsecure = false): string {
  let u: URL;
  try { u = new URL(raw); } catch { throw new CoreError('invalid', `The hub URL ${JSON.stringify(raw)} is not a URL.`); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new CoreError('invalid', `The hub URL must start with https:// (got ${u.protocol}//).`);
  if (u.username || u.password) throw new CoreError('invalid', 'The hub URL must not carry a user name or password.');
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname) && !allowInsecure) {
    throw new CoreError('insecure_hub',
      `The hub URL must use https:// (got ${u.origin}): over plain http your password and session would cross the network unencrypted. ` +
      `Plain http is allowed only for a hub on this machine (127.0.0.1, localhost), or on a lab network when ${ALLOW_HTTP_HUB_ENV}=1 is set.`);
  }
  return raw;
}

/** The explicit lab setting, read once by the shells. */
export function allowInsecureHubFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_HTTP_HUB_ENV] === '1';
}
