/**
 * How long sessions live and how sign-in guessing is slowed down. Defaults fit shift work: a
 * session ends 12 h after its desktop last called the hub (a running desktop calls it at least every
 * 30 s, so this is "the desktop was closed or offline overnight") and 16 h after sign-in at most
 * (one shift with overtime; a desktop left running overnight signs in again for the next shift).
 */
export interface ThrottlePolicy {
  /** failures of one e-mail answered at once; each further one doubles the wait, from baseDelayMs */
  accountFreeFailures: number;
  /** failures from one source address answered at once (a floor behind one NAT shares it) */
  ipFreeFailures: number;
  baseDelayMs: number;
  /** longest wait between two attempts on one e-mail / from one address */
  maxDelayMs: number;
  ipMaxDelayMs: number;
  /** failures of one e-mail that lock it (for lockoutMs, or until an admin lifts it) */
  lockoutAfter: number;
  lockoutMs: number;
  /** failures older than this are forgotten */
  accountForgetMs: number;
  ipForgetMs: number;
}

export interface AccountsPolicy {
  /** a session ends this long after it was last used */
  sessionIdleMs: number;
  /** and this long after sign-in whatever happens */
  sessionMaxMs: number;
  /** a stream ticket is good for one WebSocket upgrade within this time */
  ticketTtlMs: number;
  throttle: ThrottlePolicy;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export const DEFAULT_ACCOUNTS_POLICY: AccountsPolicy = {
  sessionIdleMs: 12 * HOUR,
  sessionMaxMs: 16 * HOUR,
  ticketTtlMs: 30_000,
  throttle: {
    accountFreeFailures: 3, ipFreeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, ipMaxDelayMs: 5 * MINUTE,
    lockoutAfter: 10, lockoutMs: 30 * MINUTE, accountForgetMs: 24 * HOUR, ipForgetMs: HOUR,
  },
};

export interface AccountsOptions {
  sessionIdleMs?: number;
  sessionMaxMs?: number;
  ticketTtlMs?: number;
  throttle?: Partial<ThrottlePolicy>;
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string, unitMs: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n * unitMs;
}

/**
 * The policy from options, else the environment (TEND_SESSION_IDLE_HOURS, TEND_SESSION_MAX_HOURS,
 * TEND_LOGIN_LOCKOUT_AFTER, TEND_LOGIN_LOCKOUT_MINUTES), else the defaults.
 */
export function accountsPolicy(options: AccountsOptions = {}, env: Env = process.env): AccountsPolicy {
  const d = DEFAULT_ACCOUNTS_POLICY;
  const lockoutAfter = positive(env, 'TEND_LOGIN_LOCKOUT_AFTER', 1);
  const p: AccountsPolicy = {
    sessionIdleMs: options.sessionIdleMs ?? positive(env, 'TEND_SESSION_IDLE_HOURS', HOUR) ?? d.sessionIdleMs,
    sessionMaxMs: options.sessionMaxMs ?? positive(env, 'TEND_SESSION_MAX_HOURS', HOUR) ?? d.sessionMaxMs,
    ticketTtlMs: options.ticketTtlMs ?? d.ticketTtlMs,
    throttle: {
      ...d.throttle,
      ...(lockoutAfter ? { lockoutAfter: Math.round(lockoutAfter) } : {}),
      ...(positive(env, 'TEND_LOGIN_LOCKOUT_MINUTES', MINUTE) ? { lockoutMs: positive(env, 'TEND_LOGIN_LOCKOUT_MINUTES', MINUTE)! } : {}),
      ...options.throttle,
    },
  };
  if (p.sessionMaxMs < p.sessionIdleMs) p.sessionIdleMs = p.sessionMaxMs;
  return p;
}

/** An interval parameter for SQL (`$n::interval`). */
export const interval = (ms: number) => `${Math.round(ms)} milliseconds`;
