/**
 * 1100: a conversation's handle time joins its metric facts (0600, 0720). Never edit once shipped.
 *
 * The report read each conversation's handle-time spans with a correlated subquery, one index probe
 * per conversation: over 100,000 conversations about 40 % of the report's database time. Now the
 * spans are folded into `metric_conversation_facts.active` like messages and history: a write to
 * handle_time marks the conversation, the flush refreshes it, and a read computes a still-marked
 * conversation's spans on the spot (tend_metric_active), so the report stays exact.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE metric_conversation_facts ADD COLUMN active text NOT NULL DEFAULT '';

-- "<span start ms>:<active ms>" joined by ',', in start order
CREATE FUNCTION tend_metric_active(cid text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg(((extract(epoch from h.started_at) * 1000)::bigint)::text || ':' || h.active_ms, ',' ORDER BY h.started_at, h.span_id), '')
  FROM handle_time h WHERE h.conversation_id = cid
$$;

-- as 0600, and the spans always (every caller since 0720 refreshes both)
CREATE OR REPLACE FUNCTION tend_metric_refresh(ids text[], do_msgs boolean, do_evs boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_conversation_facts AS f (conversation_id, msgs, evs, active)
  SELECT c.id, CASE WHEN do_msgs THEN tend_metric_msgs(c.id) ELSE '' END, CASE WHEN do_evs THEN tend_metric_evs(c.id) ELSE '' END,
         tend_metric_active(c.id)
  FROM conversations c WHERE c.id = ANY(ids)
  ON CONFLICT (conversation_id) DO UPDATE
    SET msgs = CASE WHEN do_msgs THEN EXCLUDED.msgs ELSE f.msgs END,
        evs = CASE WHEN do_evs THEN EXCLUDED.evs ELSE f.evs END,
        active = EXCLUDED.active
$$;

CREATE TRIGGER handle_time_metric_mark_insert AFTER INSERT ON handle_time REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_new();
CREATE TRIGGER handle_time_metric_mark_update AFTER UPDATE ON handle_time REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_updates();
CREATE TRIGGER handle_time_metric_mark_delete AFTER DELETE ON handle_time REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tend_metric_mark_old();

-- the spans recorded so far: their conversations are refreshed by the next flush (every report flushes first)
INSERT INTO metric_facts_dirty (conversation_id) SELECT DISTINCT conversation_id FROM handle_time;
`);
}
