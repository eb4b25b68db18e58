/**
 * Department insights (GET /v1/routing/insights, POST /v1/routing/insights/:id/close), as the
 * desktop shows them: with the department's and the rule's names and the conversation's subject
 * and snippet. The hub's insight carries ids only (and, on hubs that send it, `conversation`);
 * names come from the session's teams and the routing config, text from the cache.
 * Online only: offline, listing and closing fail with `offline` and a sentence saying so.
 */
import type { DesktopRequest, DesktopResponse, InsightItem } from '../../../shared/contract/desktop';
import type { HubInsight } from '../../../shared/contract/routing';
import type { Agent, Team } from '../../../shared/domain';
import type { Db } from '../db/open';
import { CoreError } from '../errors';
import type { OnlineApi } from './online';

type Brief = { subject: string | null; snippet: string | null; channel: string | null };

/** Subject, snippet and channel of cached conversations. */
export function cachedBriefs(db: Db, ids: string[]): Map<string, Brief> {
  const out = new Map<string, Brief>();
  if (ids.length === 0) return out;
  const get = db.prepare('SELECT data FROM conversations WHERE id = ?').pluck();
  for (const id of new Set(ids)) {
    const raw = get.get(id) as string | undefined;
    if (!raw) continue;
    const c = JSON.parse(raw) as { subject?: string | null; snippet?: string | null; channel?: string | null };
    out.set(id, { subject: c.subject ?? null, snippet: c.snippet ?? null, channel: c.channel ?? null });
  }
  return out;
}

export interface InsightContext { teams: Team[]; rules: Map<string, string>; briefs: Map<string, Brief> }

export function toItem(i: HubInsight, ctx: InsightContext): InsightItem {
  const cached = ctx.briefs.get(i.conversation_id);
  const hub = i.conversation;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: i.id, conversation_id: i.conversation_id, department_id: i.department_id,
    department_name: ctx.teams.find((t) => t.id === i.department_id)?.name ?? i.department_id,
    rule_id: i.rule_id, rule_name: i.rule_id ? ctx.rules.get(i.rule_id) ?? null : null,
    opened_at: iso(i.opened_at)!, status: i.status, closed_at: iso(i.closed_at), closed_by: i.closed_by, resolution: i.resolution,
    channel: hub?.channel ?? cached?.channel ?? null,
    subject: hub?.subject ?? cached?.subject ?? null,
    snippet: hub?.snippet ?? cached?.snippet ?? null,
  };
}

/** The departments whose insights this agent works: their own department teams; supervisors and admins all. */
export function visibleDepartments(agent: Agent | null, teams: Team[]): Set<string> | 'all' {
  if (agent && agent.role !== 'agent') return 'all';
  const mine = new Set(agent?.team_ids ?? []);
  return new Set(teams.filter((t) => t.kind === 'department' && mine.has(t.id)).map((t) => t.id));
}

export class Insights {
  constructor(private readonly online: OnlineApi, private readonly db: Db, private readonly session: () => { agent: Agent | null; teams: Team[] }) {}

  private async context(insights: HubInsight[]): Promise<InsightContext> {
    // rule names are a nicety: a hub that refuses the config still lists insights
    const rules = await this.online.ruleNames().catch(() => new Map<string, string>());
    return { teams: this.session().teams, rules, briefs: cachedBriefs(this.db, insights.filter((i) => !i.conversation?.snippet).map((i) => i.conversation_id)) };
  }

  async list(r: DesktopRequest<'insights.list'>): Promise<DesktopResponse<'insights.list'>> {
    const { agent, teams } = this.session();
    const allowed = visibleDepartments(agent, teams);
    if (allowed !== 'all' && allowed.size === 0) throw new CoreError('forbidden', 'Insights are for supervisors, admins and members of a department team');
    if (r.department_id && allowed !== 'all' && !allowed.has(r.department_id)) throw new CoreError('forbidden', `you are not in department ${r.department_id}`);
    const raw = await this.online.insights(r.department_id);
    const shown = raw.filter((i) => (r.include_closed || i.status === 'open') && (allowed === 'all' || allowed.has(i.department_id)));
    const ctx = await this.context(shown);
    return { insights: shown.sort((a, b) => b.opened_at - a.opened_at || a.id.localeCompare(b.id)).map((i) => toItem(i, ctx)) };
  }

  async close(r: DesktopRequest<'insights.close'>): Promise<DesktopResponse<'insights.close'>> {
    const insight = await this.online.closeInsight(r.id, r.resolution);
    return { insight: toItem(insight, await this.context([insight])) };
  }
}
