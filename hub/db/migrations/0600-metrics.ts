/**
 * 0600: what the care metrics need beyond the core tables. Never edit once shipped: add 0610-...
 *
 * - conversation_events: status, assignment and sentiment history, written by a trigger on
 *   conversations, so no writer has to remember it (reopens and handle time come from here).
 * - surveys: CSAT and effort questions asked after a resolve and the customer's answers.
 * - insights: signals routed to departments (hub/routing) and their closure.
 * - metric_conversation_facts: each conversation's messages and history folded into two strings,
 *   kept current by statement-level triggers, so a report reads one row per conversation.
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
  ins boolean := TG_OP = 'INSERT';
  t timestamptz;
  score double precision;
BEGIN
  score := CASE WHEN jsonb_typeof(NEW.analysis #> '{sentiment,score}') = 'number'
                THEN (NEW.analysis #>> '{sentiment,score}')::double precision END;
  t := CASE WHEN ins THEN NEW.created_at ELSE tend_conversation_event_time(NEW, OLD) END;
  -- one statement per change, so the statement-level facts refresh runs once
  INSERT INTO conversation_events (workspace_id, conversation_id, at, type, status, agent_id, score)
  SELECT NEW.workspace_id, NEW.id, v.at, v.type, v.status, v.agent_id, v.score
  FROM (VALUES
    (1, NEW.created_at, 'status', 'open', NULL::text, NULL::double precision, ins),
    (2, NEW.created_at, 'assign', NULL, NEW.assignee_id, NULL, ins AND NEW.assignee_id IS NOT NULL),
    (3, CASE WHEN NEW.status = 'resolved' THEN coalesce(NEW.resolved_at, NEW.updated_at) ELSE NEW.updated_at END,
        'status', NEW.status, NULL, NULL, ins AND NEW.status <> 'open'),
    (4, t, 'status', NEW.status, NULL, NULL, NOT ins AND NEW.status IS DISTINCT FROM OLD.status),
    (5, t, 'assign', NULL, NEW.assignee_id, NULL, NOT ins AND NEW.assignee_id IS DISTINCT FROM OLD.assignee_id),
    -- each new customer message leaves the conversation's analysis of it: keep the trail
    (6, coalesce(NEW.last_inbound_at, NEW.created_at), 'sentiment', NULL, NULL, score,
        score IS NOT NULL AND (ins OR NEW.last_inbound_at IS DISTINCT FROM OLD.last_inbound_at))
  ) AS v(n, at, type, status, agent_id, score, keep)
  WHERE v.keep ORDER BY v.n;
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

-- Per-conversation facts kept current as messages, history and surveys change, so a report reads
-- one row per conversation instead of every message. Same encoding as hub/metrics/store.ts reads:
-- msgs "i<ms>,o<ms>,f<ms>" (any order); evs "<s|a|m><ms>\x1f<value>" joined by \x1e, in order.
CREATE TABLE metric_conversation_facts (
  conversation_id text PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  msgs text NOT NULL DEFAULT '',
  evs text NOT NULL DEFAULT ''
);

CREATE FUNCTION tend_metric_msgs(cid text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg((CASE WHEN m.direction = 'inbound' THEN 'i' WHEN m.delivery = 'failed' THEN 'f' ELSE 'o' END)
                             || ((extract(epoch from m.created_at) * 1000)::bigint)::text, ','), '')
  FROM messages m
  WHERE m.conversation_id = cid
    -- survey questions and answers are not part of the care conversation's timing
    AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = cid AND (s.question_message_id = m.id OR s.answer_message_id = m.id))
$$;

CREATE FUNCTION tend_metric_evs(cid text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg((CASE e.type WHEN 'status' THEN 's' WHEN 'assign' THEN 'a' ELSE 'm' END)
                             || ((extract(epoch from e.at) * 1000)::bigint)::text
                             || chr(31) || coalesce(e.status, e.agent_id, e.score::text, ''), chr(30) ORDER BY e.at, e.id), '')
  FROM conversation_events e
  WHERE e.conversation_id = cid
    -- a survey answer is a customer message too, and ingest reopens on it: that is not a reopen
    AND NOT (e.type <> 'assign' AND EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = cid AND s.answered_at = e.at))
$$;

CREATE FUNCTION tend_metric_refresh(ids text[], do_msgs boolean, do_evs boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_conversation_facts AS f (conversation_id, msgs, evs)
  SELECT c.id, CASE WHEN do_msgs THEN tend_metric_msgs(c.id) ELSE '' END, CASE WHEN do_evs THEN tend_metric_evs(c.id) ELSE '' END
  FROM conversations c WHERE c.id = ANY(ids)
  ON CONFLICT (conversation_id) DO UPDATE
    SET msgs = CASE WHEN do_msgs THEN EXCLUDED.msgs ELSE f.msgs END,
        evs = CASE WHEN do_evs THEN EXCLUDED.evs ELSE f.evs END
$$;

CREATE FUNCTION tend_metric_facts_from_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM new_rows), true, false);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM old_rows), true, false);
  ELSE
    -- delivery updates are frequent: only what the metrics read matters
    PERFORM tend_metric_refresh(ARRAY(
      SELECT n.conversation_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.delivery = 'failed') IS DISTINCT FROM (o.delivery = 'failed') OR n.created_at IS DISTINCT FROM o.created_at
         OR n.direction IS DISTINCT FROM o.direction OR n.conversation_id IS DISTINCT FROM o.conversation_id
      UNION SELECT o.conversation_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.conversation_id IS DISTINCT FROM o.conversation_id), true, false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_metric_facts_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_messages();
CREATE TRIGGER messages_metric_facts_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_messages();
CREATE TRIGGER messages_metric_facts_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_messages();

CREATE FUNCTION tend_metric_facts_from_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM new_rows), false, true);
  ELSE
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM old_rows), false, true);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER events_metric_facts_insert AFTER INSERT ON conversation_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_events();
CREATE TRIGGER events_metric_facts_delete AFTER DELETE ON conversation_events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_events();

CREATE FUNCTION tend_metric_facts_from_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM old_rows), true, true);
  ELSE
    PERFORM tend_metric_refresh(ARRAY(SELECT DISTINCT conversation_id FROM new_rows), true, true);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_metric_facts_insert AFTER INSERT ON surveys REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_surveys();
CREATE TRIGGER surveys_metric_facts_update AFTER UPDATE ON surveys REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_surveys();
CREATE TRIGGER surveys_metric_facts_delete AFTER DELETE ON surveys REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_facts_from_surveys();

-- conversations stored before this migration: their messages now, their history from their state
SELECT tend_metric_refresh(ARRAY(SELECT id FROM conversations), true, false);

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
