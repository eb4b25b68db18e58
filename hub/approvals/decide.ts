/**
 * An approver's decision on a reply waiting for approval, in one change-log write:
 *  - approve (as written, or edited): the message becomes 'queued' with next_attempt_at now, so the
 *    outbound dispatcher claims and sends it exactly as any reply (delivery states, read-back of unknown
 *    outcomes). Its created_at moves to the approval: that is when the customer's response leaves, for
 *    the thread's order and the response-time metrics; the conversation's first/next response is
 *    answered now (its SLA ran while the reply waited).
 *  - reject: the message becomes 'rejected' with the approver's note and is never sent; the agent's
 *    desktop puts the text back in the composer with the note (main/core/sync/apply.ts).
 * A decision is taken once: the approval row is read and decided inside the write (writers serialize),
 * so a second approve, or an approve racing a reject, gets 409 already_decided and changes nothing.
 */
import type { ApprovalDecided } from '../../shared/contract/approvals';
import { countForChannel } from '../../shared/text/channel-length';
import type { Channel } from '../../shared/domain';
import { HttpError } from '../api/errors';
import { sql, type ChangeLog } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';

export type Decision = { kind: 'approve'; text?: string } | { kind: 'reject'; note: string };

interface Row {
  message_id: string; conversation_id: string; agent_id: string; decision: string | null; decided_by_name: string | null;
  text: string; delivery: string; channel: Channel; visibility: 'public' | 'private'; first_response_at: Date | null;
}

export function assertApprover(agent: AgentContext): void {
  if (agent.role === 'agent') throw new HttpError(403, 'forbidden', 'approving replies is for supervisors and admins');
}

export async function decide(log: ChangeLog, approver: AgentContext, messageId: string, d: Decision): Promise<ApprovalDecided> {
  assertApprover(approver);
  return log.write(async (w) => {
    const [a] = await w.query<Row>(
      `SELECT a.message_id, a.conversation_id, a.agent_id, a.decision, d.name AS decided_by_name,
              m.text, m.delivery, m.channel, m.visibility, c.first_response_at
         FROM approvals a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = a.conversation_id
         LEFT JOIN agents d ON d.id = a.decided_by
        WHERE a.message_id = $1 AND a.workspace_id = $2`, [messageId, approver.workspace_id]);
    if (!a) throw new HttpError(404, 'not_found', `no reply ${messageId} waits for approval in this workspace`);
    if (a.decision !== null) {
      throw new HttpError(409, 'already_decided', `this reply was already ${a.decision}${a.decided_by_name ? ` by ${a.decided_by_name}` : ''}`,
        { decision: a.decision, decided_by: a.decided_by_name });
    }
    if (a.agent_id === approver.id) throw new HttpError(403, 'forbidden', 'a reply is approved by someone other than its author');
    if (d.kind === 'approve') {
      const text = d.text ?? a.text;
      const count = countForChannel(text, a.channel, a.visibility);
      if (count.over) throw new HttpError(400, 'too_long', `${count.count} characters as ${a.channel} counts them; the limit is ${count.limit}`);
      const decision = d.text !== undefined && d.text !== a.text ? 'edited' : 'approved';
      const [row] = await w.query<{ decided_at: Date }>(
        `UPDATE approvals SET decision = $2, decided_by = $3, decided_at = now() WHERE message_id = $1 AND decision IS NULL RETURNING decided_at`,
        [messageId, decision, approver.id]);
      if (!row) throw new HttpError(409, 'already_decided', 'this reply was already decided');
      await w.update('message', messageId, {
        delivery: 'queued', next_attempt_at: sql('now()'), created_at: sql('now()'), delivery_error: null,
        ...(decision === 'edited' ? { text } : {}),
      });
      await w.update('conversation', a.conversation_id, {
        first_response_at: a.first_response_at ? undefined : sql('now()'),
        next_response_due_at: null, last_message_at: sql('now()'), snippet: text.slice(0, 200), updated_at: sql('now()'),
      });
      return { id: messageId, conversation_id: a.conversation_id, decision, delivery: 'queued', decided_by: approver.id, decided_at: row.decided_at.toISOString() };
    }
    const [row] = await w.query<{ decided_at: Date }>(
      `UPDATE approvals SET decision = 'rejected', decided_by = $2, decided_at = now(), note = $3 WHERE message_id = $1 AND decision IS NULL RETURNING decided_at`,
      [messageId, approver.id, d.note]);
    if (!row) throw new HttpError(409, 'already_decided', 'this reply was already decided');
    await w.update('message', messageId, { delivery: 'rejected', next_attempt_at: null, delivery_error: `rejected by ${approver.name}: ${d.note}` });
    return { id: messageId, conversation_id: a.conversation_id, decision: 'rejected', delivery: 'rejected', decided_by: approver.id, decided_at: row.decided_at.toISOString() };
  });
}
