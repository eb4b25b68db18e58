/**
 * An in-memory Ingestor with the hub's semantics (dedupe by channel + platform_id; threading by
 * reply chain, then by thread key: a private participant or a public forum topic). Used by tests and by `import --dry-run`; the hub's
 * own Ingestor stores in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { PostRejected, type IngestResult, type Ingestor, type NormalizedPost } from './types';

export interface MemoryConversation {
  id: string;
  channel: string;
  account: string;
  posts: NormalizedPost[];
}

export interface MemoryIngestor extends Ingestor {
  readonly posts: NormalizedPost[];
  readonly conversations: Map<string, MemoryConversation>;
  /** number of ingest() calls, stored or duplicate */
  calls: number;
  conversationOf(channel: string, platformId: string): MemoryConversation | undefined;
}

export interface MemoryIngestorOptions {
  /** refuse a brand post that answers no known post, as the hub's Ingestor does */
  rejectOrphanBrandPosts?: boolean;
}

export { PostRejected };

export function createMemoryIngestor(options: MemoryIngestorOptions = {}): MemoryIngestor {
  const byPlatformId = new Map<string, { conversation_id: string; message_id: string }>();
  const byThreadKey = new Map<string, string>();
  const conversations = new Map<string, MemoryConversation>();
  const posts: NormalizedPost[] = [];
  const key = (channel: string, platformId: string) => `${channel}\u0000${platformId}`;

  const ing: MemoryIngestor = {
    posts,
    conversations,
    calls: 0,
    conversationOf(channel, platformId) {
      const hit = byPlatformId.get(key(channel, platformId));
      return hit ? conversations.get(hit.conversation_id) : undefined;
    },
    async ingest(post: NormalizedPost): Promise<IngestResult> {
      ing.calls++;
      const existing = byPlatformId.get(key(post.channel, post.platform_id));
      if (existing) return { status: 'duplicate', ...existing };
      let conversationId: string | undefined;
      if (post.in_reply_to) conversationId = byPlatformId.get(key(post.channel, post.in_reply_to))?.conversation_id;
      // private messages by participant; public posts of one forum topic by the topic's key
      const threadKey = post.thread_key ? `${post.channel}\u0000${post.account}\u0000${post.visibility}\u0000${post.thread_key}` : null;
      if (!conversationId && threadKey) conversationId = byThreadKey.get(threadKey);
      if (!conversationId && post.from_brand && options.rejectOrphanBrandPosts) {
        throw new PostRejected('orphan_brand_post', `brand post ${post.platform_id} answers no known post (in_reply_to ${post.in_reply_to ?? 'none'})`);
      }
      if (!conversationId) {
        conversationId = randomUUID();
        conversations.set(conversationId, { id: conversationId, channel: post.channel, account: post.account, posts: [] });
      }
      if (threadKey) byThreadKey.set(threadKey, conversationId);
      const messageId = randomUUID();
      byPlatformId.set(key(post.channel, post.platform_id), { conversation_id: conversationId, message_id: messageId });
      conversations.get(conversationId)!.posts.push(post);
      posts.push(post);
      return { status: 'stored', conversation_id: conversationId, message_id: messageId };
    },
  };
  return ing;
}
