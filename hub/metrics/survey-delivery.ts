/**
 * Surveys after a resolve, delivered like any reply: the questions (store.ts createSurveyRequests)
 * become outbound messages 'queued' for the outbound dispatcher, written through the change log so
 * desktops see them. How is the workspace's (its survey settings, read at each resolve, so a change
 * applies at once): which questions in which words, how long after the resolve (the message waits
 * `queued` until then), and where:
 *   - a conversation that is private already is asked privately;
 *   - a public one is asked by a private message where the platform allows one to this customer
 *     (X direct messages, to the customer's user id; the sandbox; on Facebook and Instagram Meta's
 *     private reply to the customer's last comment, which is one message within 7 days of the comment:
 *     so only the first question goes, and none privately when the comment had its private reply or
 *     will be too old when the question is due), else, by default, not at all: a public reply only
 *     when the admin chose it (`private_else_public`, or `public` = always where the customer wrote).
 * Survey answers come back through ingest (recordSurveyAnswer), which keeps them from reopening; a
 * private answer finds the conversation that waits for it (hub/conversations/ingest.ts).
 *
 * One survey per resolution, the latest. The questions are queued inside the resolve's own
 * transaction (a crash keeps both or neither) and belong to that resolution (`for_resolved_at`):
 * when the conversation is reopened before they are due (the customer writes again, an agent
 * reopens it), the dispatcher cancels them instead of sending (hub/outbound/held.ts), whenever it
 * next looks, also after a restart; a later resolve cancels any still waiting and asks afresh.
 * A cancelled question's survey is marked cancelled with it (migration 1020): never counted as asked.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import { PRIVATE_REPLY_CHANNELS, privateReplyProblem } from '../../shared/private-replies';
import { sql, type Writer } from '../sync/changelog';
import { attachSurveyMessage, createSurveyRequests, getMetricsSettings } from './store';
import type { SurveyKind } from './types';

/** Channels whose connectors can message a customer privately when they wrote in public, by user id (Meta's go through the comment). */
const PRIVATE_FROM_PUBLIC: ReadonlySet<Channel> = new Set<Channel>(['x', 'sandbox']);

export function createSurveyHook(): (w: Writer, workspaceId: string, conversationId: string) => Promise<void> {
  return async (w, workspaceId, conversationId) => {
    const [conv] = await w.query<{ status: string; resolved: boolean; channel: Channel; name: string | null; account: string | null; user_id: string | null }>(
      `SELECT c.status, c.resolved_at IS NOT NULL AS resolved, c.channel, cu.name, coalesce(nullif(ca.name, ''), ca.handle) AS account,
              (SELECT ci.platform_user_id FROM customer_identities ci WHERE ci.customer_id = c.customer_id AND ci.channel = c.channel ORDER BY ci.id LIMIT 1) AS user_id
         FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN channel_accounts ca ON ca.id = c.channel_account_id
        WHERE c.id = $1 AND c.workspace_id = $2`, [conversationId, workspaceId]);
    if (!conv || conv.status !== 'resolved' || !conv.resolved) return;
    // questions of an earlier resolution still waiting to go out: that resolution ended with a reopen,
    // so they are not sent; this resolution asks instead (one survey per resolution, the latest)
    const unsent = await w.query<{ id: string }>(
      `SELECT m.id FROM surveys s JOIN messages m ON m.id = s.question_message_id JOIN conversations c ON c.id = s.conversation_id
        WHERE s.conversation_id = $1 AND s.answered_at IS NULL AND s.cancelled_at IS NULL
          AND m.delivery IN ('queued', 'failed') AND m.next_attempt_at IS NOT NULL AND m.for_resolved_at IS DISTINCT FROM c.resolved_at`,
      [conversationId]);
    for (const { id } of unsent) {
      await w.update('message', id, { delivery: 'cancelled', next_attempt_at: null, delivery_error: 'not sent: the conversation was reopened before it was due' });
    }
    const settings = (await getMetricsSettings(w, workspaceId)).surveys;
    const kinds = (['csat', 'effort'] as SurveyKind[]).filter((k) => settings[k].ask);
    if (!kinds.length) return;
    const [last] = await w.query<{ visibility: 'public' | 'private'; platform_id: string | null; created_ms: number; replied: boolean }>(
      `SELECT i.visibility, i.platform_id, (extract(epoch from i.created_at) * 1000)::float8 AS created_ms,
              EXISTS (SELECT 1 FROM messages o WHERE o.conversation_id = i.conversation_id AND o.direction = 'outbound' AND o.visibility = 'private'
                         AND o.in_reply_to = i.platform_id AND o.delivery <> 'cancelled' AND NOT (o.delivery = 'failed' AND o.next_attempt_at IS NULL)) AS replied
         FROM messages i WHERE i.conversation_id = $1 AND i.direction = 'inbound' ORDER BY i.created_at DESC, i.id DESC LIMIT 1`, [conversationId]);
    if (!last) return;
    const delayMs = settings.delay_minutes * 60_000;
    let visibility: 'public' | 'private';
    // the post a question answers: a public reply's comment, the last private message, or, for Meta's private
    // reply to a comment, that comment; an X direct message answers no post
    let inReplyTo: string | null = last.platform_id;
    // Facebook and Instagram: one private reply to the comment, within 7 days of it (when the question goes out)
    const commentReply = last.visibility === 'public' && PRIVATE_REPLY_CHANNELS.has(conv.channel) && last.platform_id !== null
      && privateReplyProblem(conv.channel, { created_at: last.created_ms, replied: last.replied }, Date.now() + delayMs) === null;
    if (last.visibility === 'private') visibility = 'private';
    else if (settings.delivery !== 'public' && commentReply) visibility = 'private';
    else if (settings.delivery !== 'public' && PRIVATE_FROM_PUBLIC.has(conv.channel) && (conv.user_id || conv.channel === 'sandbox')) {
      visibility = 'private';
      inReplyTo = null;
    } else if (settings.delivery === 'private') return; // no private way to this customer, and no public reply chosen
    else visibility = 'public';
    // a private reply to a comment is one message: the first question asked (CSAT before Net Easy) goes alone
    if (visibility === 'private' && last.visibility === 'public' && commentReply) kinds.splice(1);
    const firstName = conv.name ? conv.name.trim().split(/\s+/)[0] : null;
    const asks = await createSurveyRequests(w, workspaceId, conversationId, {
      kinds, firstName, brand: conv.account, at: Date.now() + delayMs,
      wording: { csat: settings.csat.wording, effort: settings.effort.wording },
    });
    for (const ask of asks) {
      const id = randomUUID();
      await w.insert('message', {
        id, workspace_id: workspaceId, conversation_id: conversationId, channel: conv.channel, direction: 'outbound',
        visibility, author_id: null, author_name: conv.account ?? 'survey', text: ask.text,
        in_reply_to: inReplyTo, delivery: 'queued',
        next_attempt_at: sql(delayMs ? `now() + interval '${settings.delay_minutes} minutes'` : 'now()'), created_at: sql('now()'),
        // sent only while the conversation stays in this resolution (hub/outbound/held.ts); copied in SQL,
        // to the microsecond (a JavaScript Date would keep milliseconds only, and never match again)
        for_resolved_at: sql('(SELECT resolved_at FROM conversations WHERE id = $?)', conversationId),
      });
      await attachSurveyMessage(w, ask.survey_id, id);
    }
    if (asks.length) {
      await w.update('conversation', conversationId, { last_message_at: sql('now()'), message_count: sql(`message_count + ${asks.length}`) });
    }
  };
}
