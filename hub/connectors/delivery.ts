/**
 * Outbound HTTP with retry. A platform call ends as a DeliveryOutcome:
 *   2xx                                   → ok, with the platform id read from the response
 *   408 / 429 / not connected (refused, DNS, connect timeout)
 *                                         → the platform surely did not apply it: retried here with
 *                                           exponential backoff and full jitter (Retry-After honoured,
 *                                           capped); still failing after the last attempt → {retryable:true}
 *   timeout / reset / other network error after connecting, 5xx
 *                                         → the request may have been applied: {unknown:true} at once,
 *                                           never retried here. X and the Graph API have no idempotency
 *                                           key, so only a read-back can tell (connector.reconcile, run
 *                                           by the hub's dispatcher) whether to send again.
 *   other 4xx                             → permanent: {ok:false, retryable:false} with the platform's own message
 * Retries stay within `budgetMs` in all (keep it below the hub dispatcher's lease, 60 s, so a
 * message is never sent by two dispatch rounds at once); past it, or when the platform asks for a
 * longer wait than maxDelayMs, the outcome is {retryable:true} (with retry_after_ms) and the
 * hub's dispatcher schedules the next round.
 */
import { STATUS_CODES } from 'node:http';
import { backoffDelay } from '../../shared/backoff';
import type { DeliveryOutcome } from './types';

export interface RetryPolicy {
  /** total attempts, first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** per attempt */
  timeoutMs: number;
  /** all attempts and waits together; no new attempt starts that could end after it */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, timeoutMs: 10_000, budgetMs: 45_000 };

export interface HttpDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** clock for the budget (tests) */
  now?: () => number;
  /** told before each retry: for logs and tests */
  onRetry?: (info: { attempt: number; delayMs: number; error: string }) => void;
}

export interface JsonRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Attempt =
  | { kind: 'ok'; json: unknown }
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  | { kind: 'unknown'; error: string }
  | { kind: 'fatal'; error: string };

/**
 * Errors raised before the request could reach the platform: a retry can never post twice.
 * Anything else (a reset, a timeout, a socket closed while waiting for the answer) may come after
 * the platform applied the request.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

/** The error code behind a fetch failure (undici wraps it in `cause`, sometimes twice). */
export function networkErrorCode(e: unknown): string {
  let err = e as { code?: unknown; cause?: unknown; name?: unknown } | undefined;
  for (let i = 0; i < 3 && err; i++) {
    if (typeof err.code === 'string') return err.code;
    err = err.cause as typeof err;
  }
  const name = (e as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(h: string | null): number | null {
  if (!h) return null;
  if (/^\d+$/.test(h.trim())) return Number(h.trim()) * 1000;
  const t = Date.parse(h);
  return Number.isNaN(t) ? null : Math.max(0, t - Date.now());
}

/** The platform's own words for an error, from the usual X / Graph API error bodies. */
export function platformErrorMessage(json: unknown): string | null {
  if (!json || typeof json !== 'object') return null;
  // the fields read, not yet checked
  const j = json as { error?: { message?: unknown } | null; detail?: unknown; errors?: Array<{ message?: unknown } | null>; title?: unknown };
  if (j.error && typeof j.error.message === 'string') return j.error.message; // Graph API
  if (typeof j.detail === 'string') return j.detail; // X v2 problem
  if (Array.isArray(j.errors) && j.errors[0] && typeof j.errors[0].message === 'string') return j.errors[0].message;
  if (typeof j.title === 'string') return j.title;
  return null;
}

async function attemptOnce(req: JsonRequest, policy: RetryPolicy, doFetch: typeof fetch): Promise<Attempt> {
  let res: Response;
  try {
    res = await doFetch(req.url, {
      method: req.method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
  } catch (e) {
    const code = networkErrorCode(e);
    const message = `network: ${code}: ${(e as Error).message}`;
    return NOT_SENT.has(code) ? { kind: 'retry', error: message, retryAfterMs: null } : { kind: 'unknown', error: message };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    // the platform answered, then the connection broke before the body: a 2xx may hide in there
    return res.ok || res.status >= 500
      ? { kind: 'unknown', error: `HTTP ${res.status}, then the connection broke: ${networkErrorCode(e)}` }
      : { kind: 'fatal', error: `HTTP ${res.status}` };
  }
  let json: unknown;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (res.ok) return { kind: 'ok', json };
  const message = `HTTP ${res.status}: ${platformErrorMessage(json) ?? (text.slice(0, 200) || res.statusText || STATUS_CODES[res.status] || 'no body')}`;
  if (res.status === 408 || res.status === 429) {
    return { kind: 'retry', error: message, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
  }
  // a 5xx says nothing about whether the post was made (X and Meta have both answered 503 after posting)
  if (res.status >= 500) return { kind: 'unknown', error: message };
  return { kind: 'fatal', error: message };
}

/**
 * Sends one JSON request with retries; `read` turns the success body into the outcome (it throws
 * when the platform answered 2xx with a body we cannot read — a permanent error).
 */
export async function sendWithRetry(
  req: JsonRequest,
  read: (json: unknown) => { platform_id: string; permalink?: string | null },
  policy: RetryPolicy = DEFAULT_RETRY,
  deps: HttpDeps = {},
): Promise<DeliveryOutcome> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? sleepReal;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const started = now();
  let last = 'no attempt made';
  let attempt: number;
  for (attempt = 1; attempt <= Math.max(1, policy.attempts); attempt++) {
    const a = await attemptOnce(req, policy, doFetch);
    if (a.kind === 'ok') {
      try {
        const r = read(a.json);
        return { ok: true, platform_id: r.platform_id, permalink: r.permalink ?? null };
      } catch (e) {
        return { ok: false, error: `unexpected response: ${(e as Error).message}`, retryable: false };
      }
    }
    if (a.kind === 'fatal') return { ok: false, error: a.error, retryable: false };
    if (a.kind === 'unknown') return { ok: false, error: a.error, retryable: true, unknown: true };
    last = a.error;
    if (a.retryAfterMs !== null && a.retryAfterMs > policy.maxDelayMs) {
      return { ok: false, error: `${a.error} (platform asks to wait ${Math.ceil(a.retryAfterMs / 1000)} s)`, retryable: true, retry_after_ms: a.retryAfterMs };
    }
    if (attempt === policy.attempts) break;
    const delayMs = Math.max(a.retryAfterMs ?? 0, backoffDelay(attempt - 1, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random));
    if (now() - started + delayMs + policy.timeoutMs > policy.budgetMs) break;
    deps.onRetry?.({ attempt, delayMs, error: a.error });
    await sleep(delayMs);
  }
  const tries = Math.min(attempt, policy.attempts);
  return { ok: false, error: `gave up after ${tries} attempt${tries === 1 ? '' : 's'}: ${last}`, retryable: true };
}

/**
 * A GET for reading back (reconciliation, profile lookups). Reads are safe to repeat: network
 * errors, 408, 429 and 5xx are retried a few times within `budgetMs`; the answer is the JSON body or
 * an error line.
 */
export async function getJson(
  url: string, headers: Record<string, string>, deps: HttpDeps = {},
  opts: { attempts?: number; timeoutMs?: number; budgetMs?: number } = {},
): Promise<{ ok: true; json: unknown } | { ok: false; error: string; status?: number }> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? sleepReal;
  const now = deps.now ?? Date.now;
  const attempts = opts.attempts ?? 3;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const budgetMs = opts.budgetMs ?? 20_000;
  const started = now();
  let last = 'no attempt made';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let status: number | undefined;
    try {
      const res = await doFetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      const text = await res.text();
      let json: unknown = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      if (res.ok) return { ok: true, json };
      last = `HTTP ${res.status}: ${platformErrorMessage(json) ?? (text.slice(0, 200) || res.statusText)}`;
      if (res.status !== 408 && res.status !== 429 && res.status < 500) return { ok: false, error: last, status };
    } catch (e) {
      last = `network: ${networkErrorCode(e)}: ${(e as Error).message}`;
    }
    const delay = backoffDelay(attempt - 1, { baseMs: 200, maxMs: Infinity, jitter: 'none' });
    if (attempt === attempts || now() - started + delay + timeoutMs > budgetMs) break;
    await sleep(delay);
  }
  return { ok: false, error: last };
}

/** Base URL + path, without doubled or missing slashes. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
