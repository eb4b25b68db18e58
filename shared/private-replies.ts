/**
 * Meta's private replies (Facebook Pages and Instagram professional accounts): a customer who wrote a
 * public comment can be answered privately only through that comment (Send API `recipient.comment_id`),
 * and the platform allows one private reply per comment, within 7 days of the comment. The hub checks
 * these rules before it queues a private message (an agent's reply, a survey), so a reply that cannot go
 * is refused with the reason instead of failing later; the Graph API's own refusal is the last word.
 */
import type { Channel } from './domain';

/** Channels where a private message to a commenter is a private reply to their comment. */
export const PRIVATE_REPLY_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['facebook', 'instagram']);
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

const NAMES: Partial<Record<Channel, string>> = { facebook: 'Facebook', instagram: 'Instagram' };

/**
 * Why a private reply to this comment cannot be sent at `at` (epoch ms), or null when it can.
 * `replied`: a private reply to this comment was already sent or is on its way.
 */
export function privateReplyProblem(channel: Channel, comment: { created_at: number; replied: boolean }, at: number): string | null {
  const name = NAMES[channel] ?? channel;
  if (comment.replied) {
    return `${name} allows one private reply per comment, and the customer's last comment has had one: answer publicly, or wait for them to write in private`;
  }
  if (at - comment.created_at > PRIVATE_REPLY_WINDOW_MS) {
    return `${name} allows a private reply to a comment only within 7 days of it, and the customer's last comment is older: answer publicly`;
  }
  return null;
}
