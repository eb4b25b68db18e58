/**
 * Quality scores and reviews as the API shows them: one score with its latest review and its
 * conversation's messages, an agent's own scores, the week's review sample, and a review.
 */
import type { QualityOverride, QualitySample, QualityScoreView } from '../../shared/contract/quality';
import { applyOverrides, type QualityItem } from '../../shared/quality/score';
import type { Queryable } from '../db/db';
import { iso } from '../sync/rows';

/** messages of the conversation shown beside a score */
const CONTEXT_MESSAGES = 40;

interface ScoreRow {
  id: string; conversation_id: string; channel: QualityScoreView['channel']; customer_name: string; agent_id: string | null; agent_name: string | null;
  team_id: string | null; resolved_at: string; scored_at: string; items: QualityItem[]; passed: number; applicable: number; score: number | null;
  review_id: string | null; reviewer_id: string | null; reviewer_name: string | null; reviewed_at: string | null; overrides: QualityOverride[] | null;
  review_items: QualityItem[] | null; r_passed: number | null; r_applicable: number | null; r_score: number | null; reviews: number;
}

const SELECT = `
  SELECT q.id::text AS id, q.conversation_id, c.channel, cu.name AS customer_name, q.agent_id, a.name AS agent_name, q.team_id,
         ${iso('q.resolved_at')} AS resolved_at, ${iso('q.scored_at')} AS scored_at, q.items, q.passed, q.applicable, q.score,
         r.id::text AS review_id, r.reviewer_id, r.reviewer_name, ${iso('r.created_at')} AS reviewed_at, r.overrides, r.items AS review_items,
         r.passed AS r_passed, r.applicable AS r_applicable, r.score AS r_score,
         (SELECT count(*)::int FROM quality_reviews x WHERE x.score_id = q.id) AS reviews
    FROM quality_scores q JOIN conversations c ON c.id = q.conversation_id JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN agents a ON a.id = q.agent_id
    LEFT JOIN LATERAL (SELECT * FROM quality_reviews r WHERE r.score_id = q.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) r ON true`;

async function views(db: Queryable, rows: ScoreRow[]): Promise<QualityScoreView[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.conversation_id))];
  const msgs = await db.query<QualityScoreView['messages'][number] & { conversation_id: string; n: number }>(
    `SELECT * FROM (
       SELECT m.conversation_id, m.id, m.direction, m.visibility, m.author_name, m.text, m.delivery, ${iso('m.created_at')} AS created_at,
              row_number() OVER (PARTITION BY m.conversation_id ORDER BY m.created_at DESC, m.id DESC) AS n
         FROM messages m WHERE m.conversation_id = ANY($1::text[])) x
      WHERE x.n <= ${CONTEXT_MESSAGES} ORDER BY x.created_at, x.id`, [ids]);
  const by = new Map<string, QualityScoreView['messages']>();
  for (const { conversation_id, n: _n, ...m } of msgs) {
    const list = by.get(conversation_id) ?? [];
    list.push(m);
    by.set(conversation_id, list);
  }
  return rows.map((r) => ({
    id: r.id, conversation_id: r.conversation_id, channel: r.channel, customer_name: r.customer_name, agent_id: r.agent_id, agent_name: r.agent_name,
    team_id: r.team_id, resolved_at: r.resolved_at, scored_at: r.scored_at,
    auto: { items: r.items, passed: r.passed, applicable: r.applicable, score: r.score },
    review: r.review_id === null ? null : {
      id: r.review_id, reviewer_id: r.reviewer_id!, reviewer_name: r.reviewer_name!, reviewed_at: r.reviewed_at!, overrides: r.overrides!,
      items: r.review_items!, passed: r.r_passed!, applicable: r.r_applicable!, score: r.r_score,
    },
    earlier_reviews: Math.max(0, r.reviews - 1),
    messages: by.get(r.conversation_id) ?? [],
  }));
}

export async function scoreView(db: Queryable, workspaceId: string, id: string): Promise<QualityScoreView | null> {
  const rows = await db.query<ScoreRow>(`${SELECT} WHERE q.workspace_id = $1 AND q.id = $2::bigint`, [workspaceId, id]);
  return (await views(db, rows))[0] ?? null;
}

/** An agent's own scores (each conversation's latest), newest first. */
export async function agentScores(db: Queryable, workspaceId: string, agentId: string, limit = 50): Promise<QualityScoreView[]> {
  const rows = await db.query<ScoreRow>(
    `${SELECT} WHERE q.workspace_id = $1 AND q.agent_id = $2 AND q.latest ORDER BY q.resolved_at DESC, q.id DESC LIMIT $3`, [workspaceId, agentId, limit]);
  return views(db, rows);
}

/** Monday 00:00 UTC of the week holding `day` (YYYY-MM-DD), or of this week. */
export function weekOf(day: string | undefined, now = Date.now()): { start: number; end: number } {
  const t = day === undefined ? now : Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(t)) throw new RangeError(`week: ${day} is not a date`);
  const d = new Date(t);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return { start, end: start + 7 * 86_400_000 };
}

/**
 * The week's review sample: per agent, `perAgent` of the conversations resolved that week (their latest
 * score), reviewed ones first, then by a hash of the conversation and the week, so every reviewer sees the
 * same sample and it changes only as conversations are resolved; listed newest first. `all`: every one.
 */
export async function reviewSample(db: Queryable, workspaceId: string, opts: { week?: string; perAgent: number; all: boolean; now?: number }): Promise<QualitySample> {
  const { start, end } = weekOf(opts.week, opts.now);
  const from = new Date(start).toISOString();
  const to = new Date(end).toISOString();
  const rows = await db.query<ScoreRow>(
    `WITH picked AS (
       SELECT q.id, row_number() OVER (PARTITION BY coalesce(q.agent_id, '')
                ORDER BY EXISTS (SELECT 1 FROM quality_reviews r WHERE r.score_id = q.id) DESC, md5(q.conversation_id || $2), q.id) AS n
         FROM quality_scores q
        WHERE q.workspace_id = $1 AND q.latest AND q.resolved_at >= $2::timestamptz AND q.resolved_at < $3::timestamptz)
     ${SELECT} JOIN picked p ON p.id = q.id
      WHERE ($4::boolean OR p.n <= $5) ORDER BY q.resolved_at DESC, q.id DESC LIMIT 500`,
    [workspaceId, from, to, opts.all, opts.perAgent]);
  return { week_start: from, week_end: to, per_agent: opts.perAgent, scores: await views(db, rows) };
}

export class QualityRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/** A reviewer's overrides, kept beside the automatic score (a new row: earlier reviews stay). */
export async function reviewScore(db: Queryable, reviewer: { id: string; name: string; workspace_id: string }, id: string, overrides: QualityOverride[]): Promise<void> {
  const [s] = await db.query<{ agent_id: string | null; items: QualityItem[] }>(
    'SELECT agent_id, items FROM quality_scores WHERE workspace_id = $1 AND id = $2::bigint', [reviewer.workspace_id, id]);
  if (!s) throw new QualityRefusal(404, 'not_found', `no quality score ${id} in this workspace`);
  if (s.agent_id === reviewer.id) throw new QualityRefusal(403, 'forbidden', 'a score of your own conversation is reviewed by someone else');
  const reviewed = applyOverrides(s.items, overrides);
  await db.query(
    `INSERT INTO quality_reviews (score_id, workspace_id, reviewer_id, reviewer_name, overrides, items, passed, applicable, score)
     VALUES ($1::bigint, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)`,
    [id, reviewer.workspace_id, reviewer.id, reviewer.name, JSON.stringify(overrides), JSON.stringify(reviewed.items), reviewed.passed, reviewed.applicable, reviewed.score]);
}
