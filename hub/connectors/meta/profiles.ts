/**
 * Who a Messenger / Instagram sender is. Messaging webhooks name the sender only by a page-scoped id
 * (PSID, IGSID: 16–19 digits); agents need a name. The User Profile API answers with the page's token:
 *   Messenger  GET /{v}/{psid}?fields=first_name,last_name,name      → {first_name, last_name, name?, id}
 *   Instagram  GET /{v}/{igsid}?fields=name,username                 → {name, username, id}
 * Answers are cached (24 h; a failed lookup for 10 minutes, so a burst from one sender costs one
 * call), and a lookup that fails or is slow leaves the id as the name: the message is stored anyway.
 */
import { getJson, joinUrl, type HttpDeps } from '../delivery';

export interface MetaProfile {
  name: string;
  /** Instagram username; Messenger has none */
  handle: string | null;
}

export type ProfileLookup = (channel: 'facebook' | 'instagram', account: string, userId: string) => Promise<MetaProfile | null>;

export interface MetaGraphConfig {
  graphBase?: string;
  graphVersion?: string;
  accessToken: string;
  accountTokens?: Record<string, string>;
}

const OK_TTL = 24 * 3600_000;
const FAIL_TTL = 10 * 60_000;
const MAX = 10_000;

export function createProfileLookup(config: MetaGraphConfig, deps: HttpDeps & { log?: (line: string) => void } = {}): ProfileLookup {
  const base = joinUrl(config.graphBase ?? 'https://graph.facebook.com', config.graphVersion ?? 'v21.0');
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { value: MetaProfile | null; until: number }>();
  const inFlight = new Map<string, Promise<MetaProfile | null>>();

  async function fetchProfile(channel: 'facebook' | 'instagram', account: string, userId: string): Promise<MetaProfile | null> {
    const token = config.accountTokens?.[account] || config.accessToken;
    if (!token) return null;
    const fields = channel === 'instagram' ? 'name,username' : 'first_name,last_name,name';
    const r = await getJson(`${joinUrl(base, `/${encodeURIComponent(userId)}`)}?fields=${fields}`, { authorization: `Bearer ${token}` }, deps, { attempts: 1, timeoutMs: 3000, budgetMs: 3000 });
    if (!r.ok) {
      deps.log?.(`webhooks: no ${channel} profile for ${userId}: ${r.error}`);
      return null;
    }
    const p = (r.json ?? {}) as { first_name?: unknown; last_name?: unknown; name?: unknown; username?: unknown };
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
    const username = str(p.username);
    const name = str(p.name) ?? ([str(p.first_name), str(p.last_name)].filter(Boolean).join(' ') || null) ?? username;
    return name ? { name: name.slice(0, 512), handle: username ? username.slice(0, 256) : null } : null;
  }

  return async (channel, account, userId) => {
    const key = `${channel}\u0000${userId}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) {
      cache.delete(key);
      cache.set(key, hit); // most recently used last
      return hit.value;
    }
    let p = inFlight.get(key);
    if (!p) {
      p = fetchProfile(channel, account, userId).catch(() => null).then((value) => {
        cache.set(key, { value, until: now() + (value ? OK_TTL : FAIL_TTL) });
        if (cache.size > MAX) cache.delete(cache.keys().next().value as string);
        inFlight.delete(key);
        return value;
      });
      inFlight.set(key, p);
    }
    return p;
  };
}
