/**
 * Sign-in throttling, by e-mail and by source address (policy.ts ThrottlePolicy).
 *
 * - An e-mail (whether or not an agent has it, so the answer never tells which exist) may fail a
 *   few times; after that each attempt must wait twice as long as the one before, and after
 *   `lockoutAfter` failures it is locked for `lockoutMs` or until an admin lifts it. A success
 *   forgets its failures. Once a lockout runs out, every further failure locks it again.
 * - A source address may fail more often (a floor behind one NAT shares it); then it waits the same
 *   way, without a lockout. A success does not forget an address's failures.
 * - While waiting or locked the answer is 429 with Retry-After, and the password is not checked.
 * - Attempts on one e-mail run one after another on a hub, so parallel guesses cannot all slip in
 *   before the first failure is counted (several hubs on one server each let one through).
 * The state lives in the database (`login_throttle`): it holds across restarts and hubs.
 */
import type { Queryable } from '../db/db';
import { interval, type ThrottlePolicy } from './policy';

export type Refusal = { code: 'too_many_attempts' | 'account_locked'; retryAfterS: number; message: string };

type Kind = 'account' | 'ip';
const keyOf = (kind: Kind, subject: string) => `${kind}:${kind === 'account' ? subject.trim().toLowerCase() : subject}`;

function wait(s: number): string {
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

const iso = (col: string) => `to_char((${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface LockoutRow {
  kind: Kind; subject: string; failures: number; last_failure_at: string; blocked_until: string | null; locked_until: string | null;
}

export class LoginThrottle {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Queryable, private readonly policy: ThrottlePolicy) {}

  /** Runs `fn` after every earlier attempt on the same e-mail (on this hub) has finished. */
  serialize<T>(email: string, fn: () => Promise<T>): Promise<T> {
    const key = keyOf('account', email);
    const prev = this.queues.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    this.queues.set(key, tail);
    void tail.then(() => { if (this.queues.get(key) === tail) this.queues.delete(key); });
    return run;
  }

  /** Refused now (waiting or locked), or null: go ahead and check the password. */
  async check(email: string, ip: string | null): Promise<Refusal | null> {
    const keys = [keyOf('account', email), ...(ip ? [keyOf('ip', ip)] : [])];
    const rows = await this.db.query<{ key: string; failures: number; wait_s: number | null; lock_s: number | null }>(
      `SELECT key, failures,
              CASE WHEN blocked_until > now() THEN ceil(extract(epoch FROM blocked_until - now()))::int END AS wait_s,
              CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END AS lock_s
       FROM login_throttle WHERE key = ANY($1::text[])`, [keys]);
    const account = rows.find((r) => r.key === keys[0]);
    if (account?.lock_s) {
      return {
        code: 'account_locked', retryAfterS: Math.max(1, account.lock_s),
        message: `This account is locked after ${account.failures} failed sign-ins. Try again in ${wait(account.lock_s)}, or ask an admin to unlock it.`,
      };
    }
    const waits = rows.filter((r) => r.wait_s).map((r) => ({ s: r.wait_s!, ip: r.key !== keys[0] }));
    if (!waits.length) return null;
    const longest = waits.reduce((a, b) => (b.s > a.s ? b : a));
    return {
      code: 'too_many_attempts', retryAfterS: Math.max(1, longest.s),
      message: `Too many failed sign-ins${longest.ip ? ' from your network address' : ''}. Try again in ${wait(Math.max(1, longest.s))}.`,
    };
  }

  /** A wrong password (or an unknown e-mail): counted for both; says whether the e-mail is now locked. */
  async failed(email: string, ip: string | null): Promise<{ failures: number; locked: boolean }> {
    const p = this.policy;
    const failures = await this.count(keyOf('account', email), p.accountForgetMs);
    const locked = failures >= p.lockoutAfter;
    await this.db.query(
      `UPDATE login_throttle SET blocked_until = now() + $2::interval,
              locked_until = CASE WHEN $3 THEN now() + $4::interval ELSE locked_until END WHERE key = $1`,
      [keyOf('account', email), interval(this.delay(failures, p.accountFreeFailures, p.maxDelayMs)), locked, interval(p.lockoutMs)]);
    if (ip) {
      const n = await this.count(keyOf('ip', ip), p.ipForgetMs);
      await this.db.query('UPDATE login_throttle SET blocked_until = now() + $2::interval WHERE key = $1',
        [keyOf('ip', ip), interval(this.delay(n, p.ipFreeFailures, p.ipMaxDelayMs))]);
    }
    return { failures, locked };
  }

  /** The right password: the e-mail's failures are forgotten. */
  async succeeded(email: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [keyOf('account', email)]);
  }

  /** E-mails and addresses that must wait or are locked now. */
  async list(): Promise<LockoutRow[]> {
    const rows = await this.db.query<{ key: string; failures: number; last_failure_at: string; blocked_until: string | null; locked_until: string | null }>(
      `SELECT key, failures, ${iso('last_failure_at')} AS last_failure_at,
              CASE WHEN blocked_until > now() THEN ${iso('blocked_until')} END AS blocked_until,
              CASE WHEN locked_until > now() THEN ${iso('locked_until')} END AS locked_until
       FROM login_throttle WHERE blocked_until > now() OR locked_until > now() ORDER BY last_failure_at DESC`);
    return rows.map(({ key, ...r }) => {
      const i = key.indexOf(':');
      return { kind: key.slice(0, i) as Kind, subject: key.slice(i + 1), ...r };
    });
  }

  /** An admin lifts a lockout (and the wait): the e-mail or address starts afresh. */
  async lift(which: { email: string } | { ip: string }): Promise<boolean> {
    const key = 'email' in which ? keyOf('account', which.email) : keyOf('ip', which.ip);
    return (await this.db.query('DELETE FROM login_throttle WHERE key = $1 RETURNING key', [key])).length > 0;
  }

  private async count(key: string, forgetMs: number): Promise<number> {
    const [r] = await this.db.query<{ failures: number }>(
      `INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.last_failure_at < now() - $2::interval THEN 1 ELSE t.failures + 1 END,
         last_failure_at = now()
       RETURNING failures`, [key, interval(forgetMs)]);
    return r.failures;
  }

  /** No wait for the first `free` failures, then 1×, 2×, 4× … the base delay, up to `max`. */
  private delay(failures: number, free: number, max: number): number {
    if (failures <= free) return 0;
    return Math.min(max, this.policy.baseDelayMs * 2 ** Math.min(30, failures - free - 1));
  }
}
