/**
 * The metrics report's `quality` section (handed to hub/metrics through modules.ts, like crisis_periods):
 * the automatic scores of the conversations resolved in the range (each one's latest resolve), and the
 * reviewed ones apart: the reviewers' scores of the conversations that were reviewed, never mixed into
 * the automatic figures. Each: conversations, mean score, pass rate over applicable items, each item's
 * pass rate, per agent and per team.
 */
import { QUALITY_ITEMS, type QualityItem, type QualityItemId } from '../../shared/quality/score';
import type { Queryable } from '../db/db';

interface Tally { conversations: number; scored: number; sum: number; passed: number; applicable: number }
interface ItemTally { pass: number; fail: number; na: number }

export interface QualityFigures {
  conversations: number;
  /** mean of the conversations' scores (%), null when none had an applicable item */
  mean_score: number | null;
  /** passed items / applicable items (%) */
  pass_rate_pct: number | null;
  items: Record<QualityItemId, ItemTally & { pass_rate_pct: number | null }>;
  by_agent: Array<{ agent_id: string | null; agent_name: string | null; conversations: number; mean_score: number | null; pass_rate_pct: number | null }>;
  by_team: Array<{ team_id: string | null; team_name: string | null; conversations: number; mean_score: number | null; pass_rate_pct: number | null }>;
}
export interface QualitySection { automatic: QualityFigures; reviewed: QualityFigures }

const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);
const empty = (): Tally => ({ conversations: 0, scored: 0, sum: 0, passed: 0, applicable: 0 });

function figures(rows: Array<{ agent_id: string | null; agent_name: string | null; team_id: string | null; team_name: string | null; items: QualityItem[]; score: number | null }>): QualityFigures {
  const all = empty();
  const items = Object.fromEntries(QUALITY_ITEMS.map((id) => [id, { pass: 0, fail: 0, na: 0 }])) as Record<QualityItemId, ItemTally>;
  const agents = new Map<string, Tally & { agent_id: string | null; agent_name: string | null }>();
  const teams = new Map<string, Tally & { team_id: string | null; team_name: string | null }>();
  const add = (t: Tally, r: (typeof rows)[number]) => {
    t.conversations++;
    if (r.score !== null) { t.scored++; t.sum += r.score; }
    for (const i of r.items) { if (i.result === 'pass') t.passed++; if (i.result !== 'na') t.applicable++; }
  };
  for (const r of rows) {
    add(all, r);
    for (const i of r.items) if (items[i.id]) items[i.id][i.result]++;
    const a = agents.get(r.agent_id ?? '') ?? { ...empty(), agent_id: r.agent_id, agent_name: r.agent_name };
    add(a, r);
    agents.set(r.agent_id ?? '', a);
    const t = teams.get(r.team_id ?? '') ?? { ...empty(), team_id: r.team_id, team_name: r.team_name };
    add(t, r);
    teams.set(r.team_id ?? '', t);
  }
  const mean = (t: Tally) => (t.scored ? Math.round((t.sum / t.scored) * 10) / 10 : null);
  return {
    conversations: all.conversations, mean_score: mean(all), pass_rate_pct: pct(all.passed, all.applicable),
    items: Object.fromEntries(QUALITY_ITEMS.map((id) => [id, { ...items[id], pass_rate_pct: pct(items[id].pass, items[id].pass + items[id].fail) }])) as QualityFigures['items'],
    by_agent: [...agents.values()].map((a) => ({ agent_id: a.agent_id, agent_name: a.agent_name, conversations: a.conversations, mean_score: mean(a), pass_rate_pct: pct(a.passed, a.applicable) }))
      .sort((x, y) => (x.agent_name ?? '').localeCompare(y.agent_name ?? '')),
    by_team: [...teams.values()].map((t) => ({ team_id: t.team_id, team_name: t.team_name, conversations: t.conversations, mean_score: mean(t), pass_rate_pct: pct(t.passed, t.applicable) }))
      .sort((x, y) => (x.team_name ?? '').localeCompare(y.team_name ?? '')),
  };
}

export async function qualityReport(db: Queryable, workspaceId: string, range: { from: number; to: number }): Promise<QualitySection> {
  const rows = await db.query<{ agent_id: string | null; agent_name: string | null; team_id: string | null; team_name: string | null;
    items: QualityItem[]; score: number | null; review_items: QualityItem[] | null; review_score: number | null }>(
    `SELECT q.agent_id, a.name AS agent_name, q.team_id, t.name AS team_name, q.items, q.score, r.items AS review_items, r.score AS review_score
       FROM quality_scores q LEFT JOIN agents a ON a.id = q.agent_id LEFT JOIN teams t ON t.id = q.team_id
       LEFT JOIN LATERAL (SELECT items, score FROM quality_reviews r WHERE r.score_id = q.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) r ON true
      WHERE q.workspace_id = $1 AND q.latest AND q.resolved_at >= $2::timestamptz AND q.resolved_at < $3::timestamptz`,
    [workspaceId, new Date(range.from).toISOString(), new Date(range.to).toISOString()]);
  return {
    automatic: figures(rows),
    reviewed: figures(rows.filter((r) => r.review_items !== null).map((r) => ({ ...r, items: r.review_items!, score: r.review_score }))),
  };
}
