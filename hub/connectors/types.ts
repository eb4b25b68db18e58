/**
 * What every connector produces and consumes. A connector turns platform input (webhook,
 * feed, import file) into NormalizedPosts, and delivers outbound replies.
 */
import type { Channel, Visibility } from '../../shared/domain';

export interface NormalizedAuthor {
  /** platform user id when the platform has one */
  platform_user_id: string | null;
  handle: string;
  name: string;
  followers: number | null;
  verified: boolean;
  location?: string | null;
}

export interface NormalizedPost {
  channel: Channel;
  /** the brand's account on that channel (channel_accounts.id) or its handle */
  account: string;
  /** unique per channel: used to deduplicate redeliveries */
  platform_id: string;
  author: NormalizedAuthor;
  text: string;
  visibility: Visibility;
  /** platform id of the post this one answers, for threading reply chains */
  in_reply_to: string | null;
  created_at: string;
  permalink: string | null;
  /** true when the brand itself wrote it (agent replies found in imports) */
  from_brand: boolean;
  /** private messages are threaded by participant: the other side's platform user id */
  thread_key?: string | null;
}

export interface IngestResult {
  status: 'stored' | 'duplicate';
  conversation_id: string;
  message_id: string;
}

/** Implemented by the hub: stores a post, deduplicated by (channel, platform_id), threaded. */
export interface Ingestor {
  /** throws PostRejected for a post it will never store; any other error is worth retrying */
  ingest(post: NormalizedPost): Promise<IngestResult>;
  /**
   * Several posts in order, committed together (the hub's: one transaction for a batch). Each
   * answer is the post's result or why it was refused (a rule's refusal, or an error of its own).
   * Without it, posts are ingested one by one.
   */
  ingestMany?(posts: NormalizedPost[]): Promise<Array<IngestResult | Error>>;
}

/**
 * What an Ingestor throws for a post it will never store (a business rule, e.g. a brand reply
 * whose customer post is unknown): reported and skipped, never retried.
 */
export class PostRejected extends Error {
  readonly rejected = true;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface OutboundReply {
  message_id: string;
  conversation_id: string;
  channel: Channel;
  account: string | null;
  visibility: Visibility;
  text: string;
  /** platform id of the customer's post being answered (public replies) */
  in_reply_to: string | null;
  /** recipient platform user id (private messages) */
  recipient: string | null;
  /**
   * A private message to a customer who wrote a public comment (Facebook, Instagram): Meta's private reply
   * to this comment (Send API `recipient: {comment_id}`), not a message to `recipient`. Null otherwise.
   */
  comment_id?: string | null;
}

export type DeliveryOutcome =
  | { ok: true; platform_id: string; permalink?: string | null }
  | {
      ok: false;
      error: string;
      retryable: boolean;
      /** when the platform said how long to wait (429 Retry-After) and that is longer than the connector waits itself */
      retry_after_ms?: number;
      /**
       * The request may have been applied: it left, and no answer came back (timeout, connection reset,
       * a 5xx). Sending again could post twice; the dispatcher reconciles first.
       */
      unknown?: boolean;
    };

/** A post the platform has that matches a reply (same target, same text), from a read-back. */
export interface PlatformMatch {
  platform_id: string;
  permalink?: string | null;
  /** when the platform says it was made (ISO) */
  created_at?: string | null;
}

export type ReconcileResult =
  /** posts by the brand account on the reply's target with the reply's text, since `since`, oldest first (may be empty) */
  | { ok: true; matches: PlatformMatch[] }
  /** the platform could not be read: nothing is known, try again later */
  | { ok: false; error: string };

/** Delivers an agent's reply to the platform. */
export interface OutboundConnector {
  readonly channel: Channel | '*';
  send(reply: OutboundReply): Promise<DeliveryOutcome>;
  /**
   * Reads back from the platform whether a reply whose send had an unknown outcome is there
   * (X: the brand's recent replies to the tweet / DM events with the user; Graph API: the comment's
   * replies / the conversation's messages). Required for exactly-once on a platform without
   * idempotency keys.
   */
  reconcile?(reply: OutboundReply, since: Date): Promise<ReconcileResult>;
  /** sending the same message id twice posts once (the sandbox): an unknown outcome may simply be sent again */
  readonly idempotent?: boolean;
}

/** A brand's own account on a channel, known by its platform id, its handle, or both (TEND_BRAND_ACCOUNTS). */
export interface BrandAccount {
  channel: Channel;
  id?: string;
  handle?: string;
}
