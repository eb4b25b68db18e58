/**
 * 1030: approvals for public replies (issue 15, hub/approvals).
 *  - messages.delivery gains 'awaiting_approval' (held for a supervisor; the dispatcher never claims it:
 *    it has no next_attempt_at) and 'rejected' (an approver said no; never sent).
 *  - approvals: one row per held reply (its message id), with why it was held, the agent's own text (an
 *    approver may edit it), and the decision: who, when, which, the note. A decision is taken once: the
 *    row is updated only while `decision IS NULL`, inside the change-log write that moves the message.
 *  - approval_settings: the workspace's rules (shared/contract/approvals.ts ApprovalRulesSchema).
 *  - approval_holds: requirements other features add (crisis mode), by key, apart from the admin's rules.
 *  - tend_metric_msgs: a reply waiting for approval, or rejected, has not reached the customer, so it is
 *    not a response for the metrics; an approved one counts from its approval (the hub moves its
 *    created_at to the approval, which marks the conversation's facts for refresh).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_delivery_check;
ALTER TABLE messages ADD CONSTRAINT messages_delivery_check
  CHECK (delivery IN ('received', 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'awaiting_approval', 'rejected'));

CREATE TABLE approvals (
  message_id text PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  workspace_id text NOT NULL,
  conversation_id text NOT NULL,
  agent_id text NOT NULL,
  team_id text,
  reasons jsonb NOT NULL,
  original_text text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decision text CHECK (decision IN ('approved', 'edited', 'rejected')),
  decided_by text,
  decided_at timestamptz,
  note text,
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX approvals_pending ON approvals (workspace_id, requested_at) WHERE decision IS NULL;
CREATE INDEX approvals_decided ON approvals (workspace_id, decided_at) WHERE decision IS NOT NULL;

CREATE TABLE approval_settings (
  workspace_id text PRIMARY KEY,
  rules jsonb NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE approval_holds (
  workspace_id text NOT NULL,
  key text NOT NULL,
  topic text,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, key)
);

CREATE OR REPLACE FUNCTION tend_metric_msgs(cid text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg((CASE WHEN m.direction = 'inbound' THEN 'i' WHEN m.delivery = 'failed' THEN 'f' ELSE 'o' END)
                             || ((extract(epoch from m.created_at) * 1000)::bigint)::text, ','), '')
  FROM messages m
  WHERE m.conversation_id = cid
    -- survey questions and answers are not part of the care conversation's timing
    AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = cid AND (s.question_message_id = m.id OR s.answer_message_id = m.id))
    -- a reply held for approval, or rejected, has not reached the customer
    AND m.delivery NOT IN ('awaiting_approval', 'rejected')
$$;
`);
}
