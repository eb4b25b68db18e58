/**
 * 0720: the per-conversation metric facts (0600) leave the write path. Never edit once shipped.
 *
 * 0600 recomputed a conversation's facts (string_agg over all its messages, all its history) in
 * statement triggers on every message, history and survey write: the most expensive part of
 * storing a post. Now those triggers only append the conversation id to metric_facts_dirty, and
 * tend_metric_flush() refreshes the marked conversations in a batch (a timer in the hub, and
 * every metrics read first: hub/metrics/facts.ts).
 *
 * Exactness does not depend on the flush having run: a reader takes the facts of a conversation
 * that has no mark, and computes those of a marked one on the spot (tend_metric_msgs/evs), in one
 * statement, so one snapshot. That holds because a mark is written in the same transaction as
 * the change, and a flush deletes only marks it can see and refreshes after deleting them.
 * Flushes are serialized (an advisory lock), so a later flush never computed from an older
 * snapshot than an earlier one.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
DROP TRIGGER messages_metric_facts_insert ON messages;
DROP TRIGGER messages_metric_facts_update ON messages;
DROP TRIGGER messages_metric_facts_delete ON messages;
DROP TRIGGER events_metric_facts_insert ON conversation_events;
DROP TRIGGER events_metric_facts_delete ON conversation_events;
DROP TRIGGER surveys_metric_facts_insert ON surveys;
DROP TRIGGER surveys_metric_facts_update ON surveys;
DROP TRIGGER surveys_metric_facts_delete ON surveys;
DROP FUNCTION tend_metric_facts_from_messages();
DROP FUNCTION tend_metric_facts_from_events();
DROP FUNCTION tend_metric_facts_from_surveys();

-- append-only: a writer never updates or deletes a mark, so it never waits on a flush
-- (no key, no foreign key: a mark of a deleted conversation is dropped by the next flush)
CREATE TABLE metric_facts_dirty (conversation_id text NOT NULL);

CREATE FUNCTION tend_metric_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_facts_dirty (conversation_id) SELECT DISTINCT conversation_id FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION tend_metric_mark_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_facts_dirty (conversation_id) SELECT DISTINCT conversation_id FROM old_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION tend_metric_mark_message_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- delivery updates are frequent: only what the facts hold matters
  INSERT INTO metric_facts_dirty (conversation_id)
  SELECT DISTINCT x.cid FROM new_rows n JOIN old_rows o ON o.id = n.id, LATERAL (VALUES (n.conversation_id), (o.conversation_id)) x(cid)
  WHERE (n.delivery = 'failed') IS DISTINCT FROM (o.delivery = 'failed') OR n.created_at IS DISTINCT FROM o.created_at
     OR n.direction IS DISTINCT FROM o.direction OR n.conversation_id IS DISTINCT FROM o.conversation_id;
  RETURN NULL;
END $$;
CREATE FUNCTION tend_metric_mark_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_facts_dirty (conversation_id)
  SELECT conversation_id FROM new_rows UNION SELECT conversation_id FROM old_rows;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_metric_mark_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_new();
CREATE TRIGGER messages_metric_mark_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_message_updates();
CREATE TRIGGER messages_metric_mark_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_old();
CREATE TRIGGER events_metric_mark_insert AFTER INSERT ON conversation_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_new();
CREATE TRIGGER events_metric_mark_delete AFTER DELETE ON conversation_events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_old();
CREATE TRIGGER surveys_metric_mark_insert AFTER INSERT ON surveys REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_new();
CREATE TRIGGER surveys_metric_mark_update AFTER UPDATE ON surveys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_updates();
CREATE TRIGGER surveys_metric_mark_delete AFTER DELETE ON surveys REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_old();

-- Refreshes the marked conversations and drops their marks; returns how many it refreshed.
-- Flushes of one schema run one at a time (advisory locks are per database: the key names the schema).
CREATE FUNCTION tend_metric_flush() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('tend_metric_flush:' || current_schema()));
  -- (read committed: this statement sees every flush before it; the refresh below sees at least
  -- what this one saw, so every change whose mark goes is in the refreshed facts)
  WITH d AS (DELETE FROM metric_facts_dirty RETURNING conversation_id)
  SELECT array_agg(DISTINCT conversation_id) INTO ids FROM d;
  IF ids IS NULL THEN RETURN 0; END IF;
  PERFORM tend_metric_refresh(ids, true, true);
  RETURN cardinality(ids);
END $$;
`);
}
