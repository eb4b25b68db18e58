/**
 * Surveys after a resolve, delivered like any reply: the questions (store.ts createSurveyRequests)
 * become outbound messages 'queued' for the outbound dispatcher, in the conversation's channel and
 * visibility (the last customer message's), written through the change log so desktops see them.
 * Survey answers come back through ingest (recordSurveyAnswer), which keeps them from reopening.
 */
import { randomUUID } from 'node:crypto';
import { sql, type ChangeLog } from '../sync/changelog';
import { attachSurveyMessage, createSurveyRequests } from './store';

export function createSurveyHook(log: ChangeLog): (workspaceId: string, conversationId: string) => Promise<void> {
  return async (workspaceId, conversationId) => {
    await log.write(async (w) => {
      const [conv] = await w.query<{ status: string; channel: string; name: string | null; account: string | null }>(
        `SELECT c.status, c.channel, cu.name, coalesce(nullif(ca.name, ''), ca.handle) AS account FROM conversations c
           JOIN customers cu ON cu.id = c.customer_id LEFT JOIN channel_accounts ca ON ca.id = c.channel_account_id
          WHERE c.id = $1 AND c.workspace_id = $2`, [conversationId, workspaceId]);
      // reopened meanwhile: no survey
      if (!conv || conv.status !== 'resolved') return;
      const [last] = await w.query<{ visibility: string; platform_id: string | null }>(
        `SELECT visibility, platform_id FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY created_at DESC, id DESC LIMIT 1`, [conversationId]);
      if (!last) return;
      const firstName = conv.name ? conv.name.trim().split(/\s+/)[0] : null;
      const asks = await createSurveyRequests(w, workspaceId, conversationId, { firstName, brand: conv.account });
      for (const ask of asks) {
        const id = randomUUID();
        await w.insert('message', {
          id, workspace_id: workspaceId, conversation_id: conversationId, channel: conv.channel, direction: 'outbound',
          visibility: last.visibility, author_id: null, author_name: conv.account ?? 'survey', text: ask.text,
          in_reply_to: last.platform_id, delivery: 'queued', next_attempt_at: sql('now()'), created_at: sql('now()'),
        });
        await attachSurveyMessage(w, ask.survey_id, id);
      }
      if (asks.length) {
        await w.update('conversation', conversationId, { last_message_at: sql('now()'), message_count: sql(`message_count + ${asks.length}`) });
      }
    });
  };
}
