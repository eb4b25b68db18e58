/**
 * Delivers queued outbound messages through the connector registry.
 *
 * A message is claimed by moving it to 'sending' with a lease (next_attempt_at = now + lease),
 * under the change log's lock, so two dispatchers (two hub instances) never send it at once;
 * a hub that dies mid-send leaves the lease to expire and the message is sent again — which the
 * sandbox (and any connector keyed by message id) turns into a no-op. Outcomes: 'sent' with the
 * platform id, or 'failed' with the error; retryable failures are tried again with exponential
 * backoff until maxAttempts. Every state goes through the change log, so it syncs to the desktop.
 */
import type { ChangeLog, ChangeRecord } from '../sync/changelog';
import { sql } from '../sync/changelog';
import type { DeliveryOutcome, OutboundReply } from '../connectors/types';
import type { ConnectorRegistry } from './registry';
import type { Channel } from '../../shared/domain';

export interface DispatcherOptions {
  /** how often to look for due retries when nothing pokes (ms) */
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  batch?: number;
  onError?: (err: unknown) => void;
}

interface Claimed extends OutboundReply {
  attempts: number;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly opts: Required<DispatcherOptions>;
  private readonly onCommit = (changes: ChangeRecord[]) => {
    if (changes.some((c) => c.entity === 'message' && c.data.delivery === 'queued')) this.kick();
  };

  constructor(private readonly log: ChangeLog, private readonly connectors: ConnectorRegistry, options: DispatcherOptions = {}) {
    this.opts = {
      pollMs: 1000, leaseMs: 60_000, maxAttempts: 8, baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000, batch: 25,
      onError: (err) => console.error('dispatcher:', err),
      ...options,
    };
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
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.runOnce()) > 0) { /* drain what is due */ }
        } while (this.again && !this.stopped);
      } catch (err) {
        this.opts.onError(err);
      } finally {
        this.running = null;
      }
    })();
  }

  /** Waits until the current pass ends (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Claims and sends one batch of due messages; returns how many were handled. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    for (const m of claimed) {
      let outcome: DeliveryOutcome;
      const connector = this.connectors.get(m.channel);
      if (!connector) outcome = { ok: false, error: `no outbound connector for channel ${m.channel}`, retryable: false };
      else {
        try {
          outcome = await connector.send(stripAttempts(m));
        } catch (err) {
          outcome = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true };
        }
      }
      await this.settle(m, outcome);
    }
    return claimed.length;
  }

  private async claim(): Promise<Claimed[]> {
    return this.log.write(async (w) => {
      const due = await w.query<{ id: string }>(
        `SELECT id FROM messages
         WHERE direction = 'outbound' AND delivery IN ('queued', 'sending', 'failed')
           AND next_attempt_at IS NOT NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at, created_at LIMIT $1`, [this.opts.batch]);
      const out: Claimed[] = [];
      for (const { id } of due) {
        await w.update('message', id, { delivery: 'sending', next_attempt_at: sql(`now() + interval '${this.opts.leaseMs} milliseconds'`) });
        const [row] = await w.query<Claimed>(
          `SELECT m.id AS message_id, m.conversation_id, m.channel, ca.handle AS account, m.visibility, m.text, m.in_reply_to,
                  m.attempts,
                  (SELECT ci.platform_user_id FROM customer_identities ci
                   WHERE ci.customer_id = c.customer_id AND ci.channel = m.channel ORDER BY ci.id LIMIT 1) AS recipient
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           LEFT JOIN channel_accounts ca ON ca.id = c.channel_account_id
           WHERE m.id = $1`, [id]);
        out.push(row);
      }
      return out;
    });
  }

  private async settle(m: Claimed, outcome: DeliveryOutcome): Promise<void> {
    await this.log.write(async (w) => {
      if (outcome.ok) {
        await w.update('message', m.message_id, {
          delivery: 'sent', delivery_error: null, platform_id: outcome.platform_id,
          permalink: outcome.permalink ?? null, attempts: m.attempts + 1, next_attempt_at: null,
        });
        return;
      }
      const attempts = m.attempts + 1;
      const retry = outcome.retryable && attempts < this.opts.maxAttempts;
      const backoff = Math.min(this.opts.maxBackoffMs, this.opts.baseBackoffMs * 2 ** (attempts - 1));
      await w.update('message', m.message_id, {
        delivery: 'failed',
        delivery_error: retry ? `${outcome.error} (retrying)` : outcome.error,
        attempts,
        next_attempt_at: retry ? sql(`now() + interval '${Math.round(backoff)} milliseconds'`) : null,
      });
    });
  }
}

function stripAttempts(m: Claimed): OutboundReply {
  return {
    message_id: m.message_id, conversation_id: m.conversation_id, channel: m.channel as Channel, account: m.account,
    visibility: m.visibility, text: m.text, in_reply_to: m.in_reply_to, recipient: m.recipient,
  };
}
