/**
 * 0600: what the care metrics need beyond the core tables. Never edit once shipped: add 0610-...
 *
 * - conversation_events: status, assignment and sentiment history, written by a trigger on
 *   conversations, so no writer has to remember it (reopens and handle time come from here).
 * - surveys: CSAT and effort questions asked after a resolve and the customer's answers.
 * - insights: signals routed to departments (hub/routing) and their closure.
 * - metrics_settings: per-workspace ROI costs, business-hours calendar and SLA targets.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE conversation_events (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  type text NOT NULL CHECK (type IN ('status', 'assign', 'sentiment')),
  status text CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
  agent_id text,
  score double precision
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, at, id);

-- When a change happened: a resolve at resolved_at; a change that came with a customer message at
-- that message's time (imports replay history); otherwise when the row was updated.
CREATE FUNCTION tend_conversation_event_time(n conversations, o conversations) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n.status = 'resolved' AND n.resolved_at IS NOT NULL AND n.resolved_at IS DISTINCT FROM o.resolved_at THEN n.resolved_at
    WHEN n.last_inbound_at IS DISTINCT FROM o.last_inbound_at AND n.last_inbound_at IS NOT NULL THEN n.last_inbound_at
    ELSE n.updated_at
  END
$$;

CREATE FUNCTION tend_record_conversation_events() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz;
  score double precision;
BEGIN
  score := CASE WHEN jsonb_typeof(NEW.analysis #> '{sentiment,score}') = 'number'
                THEN (NEW.analysis #>> '{sentiment,score}')::double precision END;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO conversation_events (workspace_id, conversation_id, at, type, status)
      VALUES (NEW.workspace_id, NEW.id, NEW.created_at, 'status', 'open');
    IF NEW.assignee_id IS NOT NULL THEN
      INSERT INTO conversation_events (workspace_id, conversation_id, at, type, agent_id)
        VALUES (NEW.workspace_id, NEW.id, NEW.created_at, 'assign', NEW.assignee_id);
    END IF;
    IF NEW.status <> 'open' THEN
      INSERT INTO conversation_events (workspace_id, conversation_id, at, type, status)
        VALUES (NEW.workspace_id, NEW.id,
                CASE WHEN NEW.status = 'resolved' THEN coalesce(NEW.resolved_at, NEW.updated_at) ELSE NEW.updated_at END,
                'status', NEW.status);
    END IF;
    IF score IS NOT NULL THEN
      INSERT INTO conversation_events (workspace_id, conversation_id, at, type, score)
        VALUES (NEW.workspace_id, NEW.id, coalesce(NEW.last_inbound_at, NEW.created_at), 'sentiment', score);
    END IF;
    RETURN NULL;
  END IF;
  t := tend_conversation_event_time(NEW, OLD);
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO conversation_events (workspace_id, conversation_id, at, type, status)
      VALUES (NEW.workspace_id, NEW.id, t, 'status', NEW.status);
  END IF;
  IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
    INSERT INTO conversation_events (workspace_id, conversation_id, at, type, agent_id)
      VALUES (NEW.workspace_id, NEW.id, t, 'assign', NEW.assignee_id);
  END IF;
  -- each new customer message leaves the conversation's analysis of it: keep the trail
  IF NEW.last_inbound_at IS DISTINCT FROM OLD.last_inbound_at AND score IS NOT NULL THEN
    INSERT INTO conversation_events (workspace_id, conversation_id, at, type, score)
      VALUES (NEW.workspace_id, NEW.id, NEW.last_inbound_at, 'sentiment', score);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER conversations_metrics_events
  AFTER INSERT OR UPDATE OF status, assignee_id, last_inbound_at, analysis ON conversations
  FOR EACH ROW EXECUTE FUNCTION tend_record_conversation_events();

CREATE TABLE surveys (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('csat', 'effort')),
  question text NOT NULL,
  question_message_id text,
  asked_at timestamptz NOT NULL,
  answered_at timestamptz,
  answer_message_id text,
  answer_text text,
  score smallint CHECK (score BETWEEN 1 AND 5),
  CHECK ((score IS NULL) = (answered_at IS NULL))
);
CREATE INDEX surveys_conversation ON surveys (conversation_id);
CREATE INDEX surveys_open ON surveys (conversation_id, asked_at) WHERE answered_at IS NULL;

CREATE TABLE insights (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  conversation_id text REFERENCES conversations(id) ON DELETE SET NULL,
  department_id text NOT NULL,
  rule_id text,
  opened_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at timestamptz,
  closed_by text,
  resolution text,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX insights_workspace_opened ON insights (workspace_id, opened_at);

CREATE TABLE metrics_settings (
  workspace_id text PRIMARY KEY REFERENCES workspaces(id),
  roi jsonb,
  calendar jsonb,
  sla jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX conversations_created ON conversations (workspace_id, created_at);
`);
}
