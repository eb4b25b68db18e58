/**
 * The automatic quality score, computed in the resolve's own transaction (every path that resolves goes
 * through the set_status mutation: the desk, bulk actions, macros, the API), so a score is never kept without
 * its resolve. A score never blocks a resolve: it runs inside a savepoint (`guardedScore`), and if anything in
 * it fails (a stored configuration it cannot read, a database error) it is rolled back to that savepoint, the
 * failure is logged with the conversation, and the conversation is resolved without a score. Resolving again
 * after a reopen scores again: the new row is the conversation's latest and the earlier one stays.
 *
 * What the scorer reads (shared/quality/score.ts): the messages that reached the customer or are on their
 * way (not failed for good, cancelled, rejected or waiting for approval; survey questions and answers
 * are not care), the customers' sentiment as the analysis recorded it per message, and the SLA: routing's
 * first-response due time, and the first matching SLA policy's targets measured in its business calendar.
 */
import { z } from 'zod';
import { scoreConversation, type QualityMessage, type QualitySla } from '../../shared/quality/score';
import type { Priority } from '../../shared/domain';
import { BusinessCalendar, CalendarSchema } from '../routing/calendar';
import { SlaPolicySchema } from '../routing/schemas';
import { withTeams } from '../routing/service';
import type { Writer } from '../sync/changelog';

/** The SLA part of a workspace's routing configuration, as routing reads it (defaults filled in). */
const SlaConfigSchema = z.object({ sla_policies: z.array(SlaPolicySchema).default([]), calendars: z.array(CalendarSchema).default([]) });
type SlaConfig = z.infer<typeof SlaConfigSchema>;
/** a workspace that never saved a routing configuration runs on routing's default policies */
const DEFAULT_SLA: SlaConfig = SlaConfigSchema.parse(withTeams(null, []));

/**
 * The stored configuration's SLA policies and calendars. The engine accepted it when it was saved; if it no longer
 * parses (a configuration from an older hub), the conversation is scored without an SLA rather than not resolved.
 */
function slaConfig(stored: unknown): SlaConfig | null {
  if (stored === null || stored === undefined) return DEFAULT_SLA;
  const parsed = SlaConfigSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** The conversation just resolved (its row is read in the transaction: agent and team as they are at the resolve). */
export interface ResolvedConversation { id: string; workspace_id: string }

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

/**
 * Scores the conversation `conv`, resolved in this transaction by `resolvedBy`: the score is the assignee's, else
 * the resolver's. Also used by the demo for its seeded history.
 */
export async function scoreOnResolve(w: Writer, conv: ResolvedConversation, resolvedBy: string): Promise<void> {
  const [c] = await w.query<{ channel: string; priority: Priority; assignee_id: string | null; team_id: string | null; first_response_due_at: unknown; resolved_at: unknown; config: unknown }>(
    `SELECT c.channel, c.priority, c.assignee_id, c.team_id, c.first_response_due_at, c.resolved_at, rc.config
       FROM conversations c LEFT JOIN routing_config rc ON rc.workspace_id = c.workspace_id WHERE c.id = $1`, [conv.id]);
  if (!c) return;
  const rows = await w.query<{ direction: 'inbound' | 'outbound'; visibility: 'public' | 'private'; text: string; at: unknown }>(
    `SELECT m.direction, m.visibility, m.text, m.created_at AS at FROM messages m
      WHERE m.conversation_id = $1
        AND m.delivery NOT IN ('cancelled', 'rejected', 'awaiting_approval')
        AND NOT (m.delivery = 'failed' AND m.next_attempt_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = $1 AND (s.question_message_id = m.id OR s.answer_message_id = m.id))
      ORDER BY m.created_at, m.id`, [conv.id]);
  const sentiments = await w.query<{ at: unknown; score: number }>(
    `SELECT at, score FROM conversation_events WHERE conversation_id = $1 AND type = 'sentiment' AND score IS NOT NULL`, [conv.id]);
  const byTime = new Map(sentiments.map((s) => [ms(s.at), s.score]));
  const messages: QualityMessage[] = rows.map((r) => {
    const at = ms(r.at);
    const score = r.direction === 'inbound' ? byTime.get(at) : undefined;
    return {
      direction: r.direction, visibility: r.visibility, at, text: r.text,
      sentiment: score === undefined ? null : score <= -0.05 ? 'negative' : score >= 0.05 ? 'positive' : 'neutral',
    };
  });

  const config = slaConfig(c.config);
  const policy = (config?.sla_policies ?? []).find((p) => (p.priorities.length === 0 || p.priorities.includes(c.priority))
    && (p.channels.length === 0 || (p.channels as string[]).includes(c.channel))) ?? null;
  const calendarInput = policy?.calendar_id ? config?.calendars.find((k) => k.id === policy.calendar_id) : undefined;
  let calendar: BusinessCalendar | null = null;
  try { calendar = calendarInput ? new BusinessCalendar(calendarInput) : null; } catch { calendar = null; }
  const sla: QualitySla = {
    first_response_due_at: c.first_response_due_at == null ? null : ms(c.first_response_due_at),
    first_response_s: policy?.first_response_seconds ?? null,
    next_response_s: policy?.next_response_seconds ?? null,
  };
  const score = scoreConversation({ messages, sla, businessMs: calendar ? (a, b) => calendar.businessTimeBetween(a, b) : undefined });

  await w.query('UPDATE quality_scores SET latest = false WHERE conversation_id = $1 AND latest', [conv.id]);
  await w.query(
    `INSERT INTO quality_scores (workspace_id, conversation_id, agent_id, team_id, resolved_by, resolved_at, items, passed, applicable, score)
     VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7::jsonb, $8, $9, $10)`,
    [conv.workspace_id, conv.id, c.assignee_id ?? resolvedBy, c.team_id, resolvedBy,
      c.resolved_at == null ? null : new Date(ms(c.resolved_at)).toISOString(), JSON.stringify(score.items), score.passed, score.applicable, score.score]);
}

export type ScoreResolve = (w: Writer, conv: ResolvedConversation, resolvedBy: string) => Promise<void>;

/**
 * The resolve's hook: `score` inside a savepoint of the resolve's transaction; on any failure the savepoint is
 * rolled back (the transaction stays usable), the failure logged, and the resolve goes on without a score.
 */
export function guardedScore(logger: { error(obj: object, msg: string): void }, score: ScoreResolve = scoreOnResolve): ScoreResolve {
  return async (w, conv, resolvedBy) => {
    await w.query('SAVEPOINT quality_score');
    try {
      await score(w, conv, resolvedBy);
    } catch (err) {
      await w.query('ROLLBACK TO SAVEPOINT quality_score');
      logger.error({ err, conversation_id: conv.id, workspace_id: conv.workspace_id }, 'quality score failed: the conversation is resolved without one');
    }
    await w.query('RELEASE SAVEPOINT quality_score');
  };
}
