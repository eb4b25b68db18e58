/**
 * Surveys after a resolve, delivered like any reply: the questions (store.ts createSurveyRequests)
 * become outbound messages 'queued' for the outbound dispatcher, written through the change log so
 * desktops see them. How is the workspace's (its survey settings, read at each resolve, so a change
 * applies at once): which questions in which words, how long after the resolve (the message waits
 * `queued` until then), and where:
 *   - a conversation that is private already is asked privately;
 *   - a public one is asked by a private message where the platform allows one to this customer
 *     (X direct messages, to the customer's user id; the sandbox), else, by default, not at all:
 *     a public reply only when the admin chose it (`private_else_public`, or `public` = always
 *     where the customer wrote). Facebook and Instagram private replies to comments are not
 *     supported by the connectors yet, so public comments there are asked only publicly, if chosen.
 * Survey answers come back through ingest (recordSurveyAnswer), which keeps them from reopening; a
 * private answer finds the conversation that waits for it (hub/conversations/ingest.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import { sql, type ChangeLog } from '../sync/changelog';
import { attachSurveyMessage, createSurveyRequests, getMetricsSettings } from './store';
import type { SurveyKind } from './types';

/** Channels whose connectors can message a customer privately when they wrote in public. */
const PRIVATE_FROM_PUBLIC: ReadonlySet<Channel> = new Set<Channel>(['x', 'sandbox']);

export function createSurveyHook(log: ChangeLog): (workspaceId: string, conversationId: string) => Promise<void> {
  return async (workspaceId, conversationId) => {
    const settings = (await getMetricsSettings(log.db, workspaceId)).surveys;
    const kinds = (['csat', 'effort'] as SurveyKind[]).filter((k) => settings[k].ask);
    if (!kinds.length) return;
    await log.write(async (w) => {
      const [conv] = await w.query<{ status: string; channel: Channel; name: string | null; account: string | null; user_id: string | null }>(
        `SELECT c.status, c.channel, cu.name, coalesce(nullif(ca.name, ''), ca.handle) AS account,
                (SELECT ci.platform_user_id FROM customer_identities ci WHERE ci.customer_id = c.customer_id AND ci.channel = c.channel ORDER BY ci.id LIMIT 1) AS user_id
           FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN channel_accounts ca ON ca.id = c.channel_account_id
          WHERE c.id = $1 AND c.workspace_id = $2`, [conversationId, workspaceId]);
      // reopened meanwhile: no survey
      if (!conv || conv.status !== 'resolved') return;
      const [last] = await w.query<{ visibility: 'public' | 'private'; platform_id: string | null }>(
        `SELECT visibility, platform_id FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY created_at DESC, id DESC LIMIT 1`, [conversationId]);
      if (!last) return;
      let visibility: 'public' | 'private';
      if (last.visibility === 'private' || settings.delivery !== 'public' && PRIVATE_FROM_PUBLIC.has(conv.channel) && (conv.user_id || conv.channel === 'sandbox')) visibility = 'private';
      else if (settings.delivery === 'private') return; // no private way to this customer, and no public reply chosen
      else visibility = 'public';
      const firstName = conv.name ? conv.name.trim().split(/\s+/)[0] : null;
      const delayMs = settings.delay_minutes * 60_000;
      const asks = await createSurveyRequests(w, workspaceId, conversationId, {
        kinds, firstName, brand: conv.account, at: Date.now() + delayMs,
        wording: { csat: settings.csat.wording, effort: settings.effort.wording },
      });
      for (const ask of asks) {
        const id = randomUUID();
        await w.insert('message', {
          id, workspace_id: workspaceId, conversation_id: conversationId, channel: conv.channel, direction: 'outbound',
          visibility, author_id: null, author_name: conv.account ?? 'survey', text: ask.text,
          // a private message answers no public post
          in_reply_to: visibility === 'public' || last.visibility === 'private' ? last.platform_id : null, delivery: 'queued',
          next_attempt_at: sql(delayMs ? `now() + interval '${settings.delay_minutes} minutes'` : 'now()'), created_at: sql('now()'),
        });
        await attachSurveyMessage(w, ask.survey_id, id);
      }
      if (asks.length) {
        await w.update('conversation', conversationId, { last_message_at: sql('now()'), message_count: sql(`message_count + ${asks.length}`) });
      }
    });
  };
}
