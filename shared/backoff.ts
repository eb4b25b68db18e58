/**
 * The one retry backoff: exponential, capped, with optional "equal jitter" (half the delay fixed,
 * half random, so clients that lost a server together do not come back together). Used by the
 * desktop's sync and live sockets, the renderer's web transport, and the hub's outbound delivery,
 * dispatcher and feed poller.
 */
export interface BackoffPolicy {
  /** the delay after the first failure */
  baseMs: number;
  /** the longest delay */
  maxMs: number;
  /** 'equal': half fixed, half random (default); 'none': exactly base·2^n */
  jitter?: 'equal' | 'none';
}

/** The delay before the next try after `failures` earlier failures in a row (0: after the first). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 30));
  if (policy.jitter === 'none') return exp;
  return Math.round(exp / 2 + random() * (exp / 2));
}
