/** The approvers' queue: every reply waiting for approval in the workspace, oldest first, each with its conversation. */
import type { ApprovalQueue } from '../../shared/contract/approvals';
import type { Queryable } from '../db/db';
import { conversationJson, customerJson, iso, messageJson } from '../sync/rows';

/** messages of the conversation shown beside each reply */
const CONTEXT_MESSAGES = 20;

export async function approvalQueue(q: Queryable, workspaceId: string, limit = 200): Promise<ApprovalQueue> {
  const rows = await q.query<ApprovalQueue['pending'][number]>(
    `SELECT a.message_id AS id, a.conversation_id, m.channel, a.agent_id, coalesce(ag.name, m.author_name) AS agent_name, a.team_id,
            m.text, a.reasons, ${iso('a.requested_at')} AS requested_at,
            (count(*) OVER (PARTITION BY a.conversation_id))::int AS pending_on_conversation,
            ${conversationJson('c')} AS conversation,
            (SELECT ${customerJson('cu')} FROM customers cu WHERE cu.id = c.customer_id) AS customer,
            coalesce((SELECT json_agg(x.j ORDER BY x.created_at, x.id) FROM (
               SELECT ${messageJson('mm')} AS j, mm.created_at, mm.id FROM messages mm WHERE mm.conversation_id = a.conversation_id
                ORDER BY mm.created_at DESC, mm.id DESC LIMIT ${CONTEXT_MESSAGES}) x), '[]'::json) AS messages
       FROM approvals a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = a.conversation_id
       LEFT JOIN agents ag ON ag.id = a.agent_id
      WHERE a.workspace_id = $1 AND a.decision IS NULL
      ORDER BY a.requested_at, a.message_id LIMIT $2`, [workspaceId, limit]);
  return { pending: rows };
}
