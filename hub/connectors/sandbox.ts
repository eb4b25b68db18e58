/**
 * The sandbox connector: "posts" by recording the reply in sandbox_posts. The row is unique by
 * message_id, so a delivery retried after a crash or a timeout is still posted exactly once
 * (the second call returns the first call's platform id).
 */
import type { Queryable } from '../db/db';
import type { DeliveryOutcome, OutboundConnector, OutboundReply } from './types';

export interface SandboxOptions {
  /** channel it answers for; '*' (default) = every channel without a connector of its own */
  channel?: OutboundConnector['channel'];
}

export class SandboxConnector implements OutboundConnector {
  readonly channel: OutboundConnector['channel'];
  /** keyed by message id: a repeated send returns the first post */
  readonly idempotent = true;
  /** test hook: the next n sends fail with this error before touching the table */
  private failures: Array<{ error: string; retryable: boolean }> = [];

  constructor(private readonly db: Queryable, options: SandboxOptions = {}) {
    this.channel = options.channel ?? '*';
  }

  failNext(n: number, error = 'sandbox: simulated outage', retryable = true): void {
    for (let i = 0; i < n; i++) this.failures.push({ error, retryable });
  }

  async send(reply: OutboundReply): Promise<DeliveryOutcome> {
    const failure = this.failures.shift();
    if (failure) return { ok: false, ...failure };
    const platformId = `sandbox-${reply.message_id}`;
    await this.db.query(
      `INSERT INTO sandbox_posts (message_id, channel, account, visibility, text, in_reply_to, recipient, platform_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id) DO NOTHING`,
      [reply.message_id, reply.channel, reply.account, reply.visibility, reply.text, reply.in_reply_to, reply.recipient, platformId]);
    const [row] = await this.db.query<{ platform_id: string }>('SELECT platform_id FROM sandbox_posts WHERE message_id = $1', [reply.message_id]);
    return { ok: true, platform_id: row.platform_id, permalink: `sandbox://${reply.channel}/${row.platform_id}` };
  }
}
