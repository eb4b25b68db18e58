/**
 * Delivers queued outbound messages through the connector registry, exactly once on the platform.
 *
 * Lanes. Messages are sent one at a time per lane (channel + channel account, so the replies of one
 * account keep their order) and lanes run in parallel, at most `maxParallel` at once: a slow or
 * failing platform holds its own lane only and never delays another channel.
 *
 * Claiming. A message is claimed by moving it to 'sending' with a lease (next_attempt_at = now +
 * lease), in a change-log write, so two dispatchers (two hub instances) never send it at once.
 *
 * Delivery states (all through the change log, so they sync to the desktops):
 *   queued  → sending → sent (platform id) | failed (permanent; or retryable, tried again with backoff)
 *                     → unknown: the request may have reached the platform and no answer came back
 *                       (a timeout, a connection reset after the request left, a 5xx), or the hub that
 *                       claimed it died (its lease expired while 'sending'). X and the Graph API have no
 *                       idempotency key, so an unknown send is never simply sent again:
 *   unknown → (after `settleMs`, for the platform to show what it has) read back from the platform
 *             (connector.reconcile: the brand's replies to the same target with the same text since the
 *             first send started) → found: sent, with the platform's id | not found: sent again
 *             (sending) | the platform cannot be read: stays unknown, checked again with backoff.
 *   A connector without reconcile that is idempotent by message id (the sandbox) is simply sent again;
 *   one that is neither stays unknown with a message asking a person to look.
 *   queued | failed | not found on read-back → cancelled, for a message held for one resolution of its
 *             conversation (a survey) when that resolution is over (reopened, or resolved again): held.ts.
 */
import type { ChangeLog, ChangeRecord, Writer } from '../sync/changelog';
import { sql } from '../sync/changelog';
import type { DeliveryOutcome, OutboundConnector, OutboundReply, PlatformMatch } from '../connectors/types';
import type { ConnectorRegistry } from './registry';
import { cancelEndedHolds, cancelHeld } from './held';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff';
import type { Channel } from '../../shared/domain';

export interface DispatcherOptions {
  /** how often to look for due work when nothing pokes (ms) */
  pollMs?: number;
  /** how long a claim holds a message; a hub silent for longer is taken for dead (ms) */
  leaseMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** lanes sending at once */
  maxParallel?: number;
  /** wait after an unknown outcome before reading back, for the platform to show the post (ms) */
  settleMs?: number;
  /** read-backs look at platform posts from this long before the first send (clock skew, ms) */
  skewMs?: number;
  /** where failures of the dispatcher itself are reported (the hub: its log) */
  onError?: (err: unknown) => void;
  /** one line per unknown outcome and reconciliation (default: none) */
  log?: (line: string) => void;
}

interface Claimed extends OutboundReply {
  attempts: number;
  lane: string;
  /** the state it was claimed from */
  from: 'queued' | 'failed' | 'sending' | 'unknown';
  send_started_at: Date | null;
  workspace_id: string;
  /** held for a resolution of its conversation that is over (held.ts): not to be sent (again) */
  hold_ended: boolean;
  /** the visibility of the customer's post it answers (in_reply_to): a private message answering a public comment is a private reply */
  answers: 'public' | 'private' | null;
}

const CHANNEL_NAMES: Partial<Record<Channel, string>> = { x: 'X', facebook: 'Facebook', instagram: 'Instagram' };
const platformName = (c: string) => CHANNEL_NAMES[c as Channel] ?? c;

export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private claiming: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** lanes with a message in flight on this hub */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly opts: Required<DispatcherOptions>;
  private readonly backoff: BackoffPolicy;
  private readonly onCommit = (changes: ChangeRecord[]) => {
    if (changes.some((c) => c.entity === 'message' && c.data.delivery === 'queued')) this.kick();
  };

  constructor(private readonly log: ChangeLog, private readonly connectors: ConnectorRegistry, options: DispatcherOptions & { onError(err: unknown): void }) {
    this.opts = {
      pollMs: 1000, leaseMs: 60_000, maxAttempts: 8, baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000, maxParallel: 8,
      settleMs: 5000, skewMs: 120_000,
      log: () => {},
      ...options,
    };
    this.backoff = { baseMs: this.opts.baseBackoffMs, maxMs: this.opts.maxBackoffMs, jitter: 'none' };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.log.events.on('committed', this.onCommit);
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, this.opts.pollMs);
      this.timer.unref?.();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.log.events.off('committed', this.onCommit);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.claiming;
    await Promise.allSettled([...this.lanes.values()]);
  }

  /** Claims due work now (or right after the current claim), one message per free lane. */
  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.opts.onError(err);
      } finally {
        this.claiming = null;
      }
    })();
  }

  /** Waits until nothing is being claimed or sent on this hub (tests). */
  async idle(): Promise<void> {
    while (this.claiming || this.lanes.size) {
      await this.claiming;
      await Promise.allSettled([...this.lanes.values()]);
    }
  }

  /** Claims due messages for the free lanes and starts them; returns how many were started. */
  async runOnce(): Promise<number> {
    const free = this.opts.maxParallel - this.lanes.size;
    if (free <= 0 || this.stopped) return 0;
    const claimed = await this.claim([...this.lanes.keys()], free);
    for (const m of claimed) {
      if (this.lanes.has(m.lane)) continue; // cannot happen: busy lanes are not claimed
      const run = this.deliver(m)
        .catch((err) => this.opts.onError(err))
        .finally(() => {
          this.lanes.delete(m.lane);
          this.kick();
        });
      this.lanes.set(m.lane, run);
    }
    return claimed.length;
  }

  private async claim(busyLanes: string[], limit: number): Promise<Claimed[]> {
    return this.log.write(async (w) => {
      // a survey whose conversation was reopened since its resolve is cancelled before anything is claimed
      await cancelEndedHolds(w);
      // the earliest due message of each lane that is not busy here
      const due = await w.query<{ id: string }>(
        `SELECT id FROM (
           SELECT DISTINCT ON (lane) id, lane, next_attempt_at, created_at FROM (
             SELECT m.id, m.channel || ':' || coalesce(c.channel_account_id, '') AS lane, m.next_attempt_at, m.created_at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.direction = 'outbound' AND m.delivery IN ('queued', 'sending', 'failed', 'unknown')
               AND m.next_attempt_at IS NOT NULL AND m.next_attempt_at <= now()
           ) d WHERE lane <> ALL($1::text[])
           ORDER BY lane, next_attempt_at, created_at
         ) x ORDER BY next_attempt_at, created_at LIMIT $2`, [busyLanes, limit]);
      const out: Claimed[] = [];
      for (const { id } of due) {
        const [row] = await w.query<Claimed & { delivery: Claimed['from'] }>(
          `SELECT m.id AS message_id, m.conversation_id, m.channel, ca.handle AS account, m.visibility, m.text, m.in_reply_to,
                  m.attempts, m.delivery, m.send_started_at, m.workspace_id, m.channel || ':' || coalesce(c.channel_account_id, '') AS lane,
                  (m.for_resolved_at IS NOT NULL AND c.resolved_at IS DISTINCT FROM m.for_resolved_at) AS hold_ended,
                  (SELECT i.visibility FROM messages i WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound'
                     AND i.platform_id = m.in_reply_to LIMIT 1) AS answers,
                  (SELECT ci.platform_user_id FROM customer_identities ci
                   WHERE ci.customer_id = c.customer_id AND ci.channel = m.channel ORDER BY ci.id LIMIT 1) AS recipient
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           LEFT JOIN channel_accounts ca ON ca.id = c.channel_account_id
           WHERE m.id = $1`, [id]);
        const lease = sql(`now() + interval '${this.opts.leaseMs} milliseconds'`);
        if (row.delivery === 'sending') {
          // claimed by a hub that never came back: the POST may have been made. Visible as unknown, read back first.
          await w.update('message', id, {
            delivery: 'unknown', next_attempt_at: lease,
            delivery_error: `the hub stopped while sending: checking ${platformName(row.channel)} before sending again`,
          });
        } else if (row.delivery === 'unknown') {
          // only the lease moves: nothing a desktop shows changes, so no change record
          await w.query(`UPDATE messages SET next_attempt_at = now() + interval '${this.opts.leaseMs} milliseconds' WHERE id = $1`, [id]);
        } else {
          await w.update('message', id, { delivery: 'sending', next_attempt_at: lease, send_started_at: sql('coalesce(send_started_at, now())') });
          if (!row.send_started_at) row.send_started_at = new Date();
        }
        const { delivery, ...rest } = row;
        out.push({ ...rest, from: delivery });
      }
      return out;
    });
  }

  private async deliver(m: Claimed): Promise<void> {
    const connector = this.connectors.get(m.channel);
    if (!connector) {
      await this.settle(m, { ok: false, error: `no outbound connector for channel ${m.channel}`, retryable: false });
      return;
    }
    if (m.from === 'sending' || m.from === 'unknown') {
      const verdict = await this.reconcile(m, connector);
      if (verdict === 'settled') return;
      // not on the platform, and its conversation was reopened meanwhile: it is not sent at all
      if (m.hold_ended) {
        await this.log.write((w) => cancelHeld(w, m.message_id));
        return;
      }
      // not on the platform: send it (again), visibly
      await this.log.write((w) => w.update('message', m.message_id, { delivery: 'sending', delivery_error: null }));
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await connector.send(toReply(m));
    } catch (err) {
      // a connector that throws may have sent: treat it as unknown, never as a plain retry
      outcome = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true, unknown: true };
    }
    await this.settle(m, outcome);
  }

  /** Reads back from the platform; 'settled' when the message's state was decided here, 'send' when it must go out. */
  private async reconcile(m: Claimed, connector: OutboundConnector): Promise<'settled' | 'send'> {
    if (!connector.reconcile) {
      if (connector.idempotent) return 'send';
      await this.log.write((w) => w.update('message', m.message_id, {
        delivery: 'unknown', next_attempt_at: null,
        delivery_error: `${platformName(m.channel)} cannot be checked automatically: look whether the reply is there before sending it again`,
      }));
      return 'settled';
    }
    const since = new Date((m.send_started_at ?? new Date()).getTime() - this.opts.skewMs);
    let result: Awaited<ReturnType<NonNullable<OutboundConnector['reconcile']>>>;
    try {
      result = await connector.reconcile(toReply(m), since);
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (!result.ok) {
      this.opts.log(`dispatcher: ${m.message_id} stays unknown: ${result.error}`);
      const attempts = m.attempts;
      const wait = backoffDelay(attempts, this.backoff);
      await this.log.write((w) => w.update('message', m.message_id, {
        delivery: 'unknown', next_attempt_at: sql(`now() + interval '${Math.round(Math.max(wait, this.opts.settleMs))} milliseconds'`),
        delivery_error: `could not check ${platformName(m.channel)} yet (${result.ok ? '' : result.error}); checking again`,
      }));
      return 'settled';
    }
    const found = await this.log.write(async (w) => {
      const match = await firstUnclaimed(w, m, result.ok ? result.matches : []);
      if (!match) return false;
      await markSent(w, m, match, {});
      return true;
    });
    this.opts.log(`dispatcher: ${m.message_id} ${found ? 'was on the platform: marked sent' : 'is not on the platform: sending'}`);
    return found ? 'settled' : 'send';
  }

  private async settle(m: Claimed, outcome: DeliveryOutcome): Promise<void> {
    await this.log.write(async (w) => {
      const attempts = m.attempts + 1;
      if (outcome.ok) {
        await markSent(w, m, { platform_id: outcome.platform_id, permalink: outcome.permalink ?? null }, { attempts });
        return;
      }
      // the platform's own echo of this reply (a webhook) may have settled it meanwhile: never undo that
      const [now] = await w.query<{ delivery: string }>('SELECT delivery FROM messages WHERE id = $1', [m.message_id]);
      if (now?.delivery === 'sent') return;
      if (outcome.unknown) {
        this.opts.log(`dispatcher: ${m.message_id} outcome unknown (${outcome.error}): reading back in ${this.opts.settleMs} ms`);
        await w.update('message', m.message_id, {
          delivery: 'unknown', attempts,
          delivery_error: `no answer from ${platformName(m.channel)} (${outcome.error}): checking whether it was posted`,
          next_attempt_at: sql(`now() + interval '${Math.round(this.opts.settleMs)} milliseconds'`),
        });
        return;
      }
      const retry = outcome.retryable && attempts < this.opts.maxAttempts;
      const backoff = Math.max(outcome.retry_after_ms ?? 0, backoffDelay(attempts - 1, this.backoff));
      await w.update('message', m.message_id, {
        delivery: 'failed',
        delivery_error: retry ? `${outcome.error} (retrying)` : outcome.error,
        attempts,
        next_attempt_at: retry ? sql(`now() + interval '${Math.round(backoff)} milliseconds'`) : null,
      });
    });
  }
}

/**
 * The first match (oldest) that is not another agent reply's post. A match already stored as the
 * brand's own post in this conversation (the platform's webhook echo of this very reply, stored
 * before the send was settled) counts as this reply's.
 */
async function firstUnclaimed(w: Writer, m: Claimed, matches: PlatformMatch[]): Promise<PlatformMatch | null> {
  if (!matches.length) return null;
  const taken = await w.query<{ platform_id: string; echo: boolean }>(
    `SELECT platform_id, (author_id IS NULL AND direction = 'outbound' AND conversation_id = $5) AS echo
       FROM messages WHERE workspace_id = $1 AND channel = $2 AND platform_id = ANY($3::text[]) AND id <> $4`,
    [m.workspace_id, m.channel, matches.map((x) => x.platform_id), m.message_id, m.conversation_id]);
  const byId = new Map(taken.map((t) => [t.platform_id, t.echo]));
  return matches.find((x) => !byId.has(x.platform_id) || byId.get(x.platform_id) === true) ?? null;
}

/**
 * Marks a reply sent with the platform's id. When that id is already stored on another message (the
 * platform's echo of this reply, ingested first), the reply is sent all the same and the echo keeps
 * the id (ids are unique per channel): failing here would leave the reply 'sending', and a later
 * round could post it again.
 */
async function markSent(w: Writer, m: Claimed, post: { platform_id: string; permalink?: string | null }, extra: Record<string, unknown>): Promise<void> {
  const [holder] = await w.query<{ id: string }>(
    'SELECT id FROM messages WHERE workspace_id = $1 AND channel = $2 AND platform_id = $3 AND id <> $4 LIMIT 1',
    [m.workspace_id, m.channel, post.platform_id, m.message_id]);
  await w.update('message', m.message_id, {
    delivery: 'sent', delivery_error: null, platform_id: holder ? null : post.platform_id,
    permalink: post.permalink ?? null, next_attempt_at: null, ...extra,
  });
}

function toReply(m: Claimed): OutboundReply {
  return {
    message_id: m.message_id, conversation_id: m.conversation_id, channel: m.channel as Channel, account: m.account,
    visibility: m.visibility, text: m.text, in_reply_to: m.in_reply_to, recipient: m.recipient,
    comment_id: m.visibility === 'private' && m.answers === 'public' ? m.in_reply_to : null,
  };
}
