/**
 * Sessions that end. A session is valid while it is not revoked, its agent is not disabled, it was
 * used within the idle limit and signed in within the maximum life (policy.ts); the limits are read
 * at every check, so a changed policy applies to sessions already open. A revocation (logout, an
 * admin, a disabled agent) closes the session's streams on this hub at once and, through
 * NOTIFY, on the other hubs of a PostgreSQL server; a sweep every minute closes the streams of
 * sessions that ended by time (or whose NOTIFY was missed).
 *
 * WebSocket upgrades carry a stream ticket, not the token: 32 random bytes, good for one upgrade
 * within `ticketTtlMs`, bound to the session that asked for it (only its sha256 is stored).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthSession } from '../api/module';
import type { Db, Queryable } from '../db/db';
import { agentContextColumns, type AgentContext } from '../sync/scope';
import type { SessionInfo } from '../../shared/contract/accounts';
import { hashToken } from './auth';
import { DEFAULT_ACCOUNTS_POLICY, interval, type AccountsPolicy } from './policy';
import type { StreamRegistry } from './streams';

export type { AuthSession } from '../api/module';

/** Where a session was opened from (shown to admins). */
export interface ClientInfo { ip: string | null; userAgent: string | null }

const NOTIFY_CHANNEL = 'tend_sessions_ended';
/** A session's last use is written at most this often (a running desktop calls every 30 s). */
const TOUCH_EVERY_MS = 60_000;

const iso = (col: string) => `to_char((${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export class Sessions {
  /** SQL: session `s` of agent `a` may be used. Params $2 max life, $3 idle limit. */
  private static readonly VALID = `s.revoked_at IS NULL AND a.disabled_at IS NULL
    AND s.created_at > now() - $2::interval AND s.last_seen_at > now() - $3::interval`;

  private unlisten: (() => Promise<void>) | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly policy: AccountsPolicy, readonly streams: StreamRegistry) {}

  private get limits() { return [interval(this.policy.sessionMaxMs), interval(this.policy.sessionIdleMs)]; }

  /** A new session: the token is given to the client once. */
  create(q: Queryable, agentId: string, client: ClientInfo): Promise<{ id: string; token: string }> {
    return createSession(q, agentId, client, this.policy.sessionMaxMs);
  }

  /** The session of a bearer token, or null (unknown, revoked, idle too long, too old, agent disabled): one statement per request. */
  async forToken(token: string): Promise<AuthSession | null> {
    if (!token || token.length > 200) return null;
    const [row] = await this.db.query<AgentContext & { session_id: string; stale: boolean }>(
      `SELECT ${agentContextColumns('a')}, s.id AS session_id, s.last_seen_at < now() - interval '${TOUCH_EVERY_MS} milliseconds' AS stale
       FROM sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.token_hash = $1 AND ${Sessions.VALID}`, [hashToken(token), ...this.limits]);
    if (!row) return null;
    if (row.stale) await this.db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [row.session_id]);
    return toSession(row);
  }

  async issueTicket(sessionId: string): Promise<{ ticket: string; expires_at: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const [r] = await this.db.query<{ expires_at: string }>(
      `INSERT INTO stream_tickets (ticket_hash, session_id, expires_at) VALUES ($1, $2, now() + $3::interval)
       RETURNING ${iso('expires_at')} AS expires_at`, [hashToken(ticket), sessionId, interval(this.policy.ticketTtlMs)]);
    return { ticket, expires_at: r.expires_at };
  }

  /** The session a stream ticket was issued for, once: the ticket is gone after this call, whatever the answer. */
  async redeemTicket(ticket: string): Promise<AuthSession | null> {
    if (!ticket || ticket.length > 200) return null;
    const [row] = await this.db.query<AgentContext & { session_id: string }>(
      `WITH t AS (DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING session_id, expires_at)
       SELECT ${agentContextColumns('a')}, s.id AS session_id
       FROM t JOIN sessions s ON s.id = t.session_id JOIN agents a ON a.id = s.agent_id
       WHERE t.expires_at > now() AND ${Sessions.VALID}`, [hashToken(ticket), ...this.limits]);
    if (!row) return null;
    await this.db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [row.session_id]);
    return toSession(row);
  }

  /** An agent's valid sessions, newest first. */
  async list(agentId: string, currentSessionId: string | null): Promise<SessionInfo[]> {
    const rows = await this.db.query<Omit<SessionInfo, 'streams' | 'current'>>(
      `SELECT s.id, s.agent_id, ${iso('s.created_at')} AS created_at, ${iso('s.last_seen_at')} AS last_seen_at,
              ${iso('s.last_seen_at + $3::interval')} AS idle_expires_at, ${iso('s.created_at + $2::interval')} AS expires_at,
              s.ip, s.user_agent
       FROM sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.agent_id = $1 AND ${Sessions.VALID} ORDER BY s.created_at DESC`, [agentId, ...this.limits]);
    return rows.map((r) => ({ ...r, streams: this.streams.count(r.id), current: r.id === currentSessionId }));
  }

  /**
   * Revokes one session, or every session of an agent, and closes their streams here and on the
   * other hubs. Returns the revoked ids and how many streams closed here.
   */
  async revoke(q: Queryable, which: { sessionId: string } | { agentId: string }, reason: string): Promise<{ ids: string[]; streamsClosed: number }> {
    const ids = await this.markRevoked(q, which, reason);
    return { ids, streamsClosed: this.closeEnded(ids, reason, 'agentId' in which ? which.agentId : null) };
  }

  /** The revocation itself (inside a caller's transaction: call closeEnded after it commits). */
  async markRevoked(q: Queryable, which: { sessionId: string } | { agentId: string }, reason: string): Promise<string[]> {
    const rows = 'sessionId' in which
      ? await q.query<{ id: string }>(
        'UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [which.sessionId, reason])
      : await q.query<{ id: string }>(
        'UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE agent_id = $1 AND revoked_at IS NULL RETURNING id', [which.agentId, reason]);
    const ids = rows.map((r) => r.id);
    if (ids.length) await q.query('DELETE FROM stream_tickets WHERE session_id = ANY($1::text[])', [ids]);
    return ids;
  }

  /** After a revocation committed: the streams close here, and the other hubs are told. How many closed here. */
  closeEnded(ids: string[], reason: string, agentId: string | null): number {
    let n = this.streams.closeSessions(ids, reason);
    // every stream of a disabled agent, whichever session it came under
    if (agentId) n += this.streams.closeAgent(agentId, reason);
    if (ids.length && this.db.kind === 'pg') {
      void this.db.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify({ ids, reason })]).catch(() => {});
    }
    return n;
  }

  /** Streams of sessions that are no longer valid (ended by time, or revoked by another hub) are closed. */
  async sweep(): Promise<void> {
    const open = this.streams.sessionIds();
    if (open.length) {
      const valid = new Set((await this.db.query<{ id: string }>(
        `SELECT s.id FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.id = ANY($1::text[]) AND ${Sessions.VALID}`,
        [open, ...this.limits])).map((r) => r.id));
      this.streams.closeSessions(open.filter((id) => !valid.has(id)), 'expired');
    }
    await this.db.query('DELETE FROM stream_tickets WHERE expires_at < now()');
  }

  async start(sweepMs = 60_000): Promise<void> {
    if (this.db.kind === 'pg') {
      this.unlisten = await this.db.listen(NOTIFY_CHANNEL, (payload) => {
        try {
          const m = JSON.parse(payload) as { ids?: unknown; reason?: unknown };
          if (Array.isArray(m.ids)) this.streams.closeSessions(m.ids.filter((x): x is string => typeof x === 'string'), String(m.reason ?? 'revoked'));
        } catch { /* not ours */ }
      });
    }
    this.sweeper = setInterval(() => { void this.sweep().catch(() => {}); }, sweepMs);
    this.sweeper.unref?.();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    this.streams.closeAll('the hub is stopping');
  }
}

/** A new session of an agent (the login route's; tests and benchmarks open sessions without hashing a password). */
export async function createSession(q: Queryable, agentId: string, client: ClientInfo = { ip: null, userAgent: null },
  maxMs = DEFAULT_ACCOUNTS_POLICY.sessionMaxMs): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await q.query(
    `INSERT INTO sessions (id, token_hash, agent_id, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + $4::interval, $5, $6)`,
    [id, hashToken(token), agentId, interval(maxMs), client.ip, client.userAgent?.slice(0, 300) ?? null]);
  return { id, token };
}

function toSession(row: AgentContext & { session_id: string }): AuthSession {
  const { session_id, ...agent } = row;
  delete (agent as { stale?: boolean }).stale;
  return { id: session_id, agent };
}
