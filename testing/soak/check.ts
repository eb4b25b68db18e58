/**
 * The soak's checker, run once a run has settled (every fault healed, every queue drained). It
 * compares what the driver asked for (the ledger) with what the hub's database, the stand-in
 * platforms and the desktops hold:
 *
 *   post_lost / post_twice          every customer post is stored exactly once (redeliveries included)
 *   reply_twice / reply_lost        every reply is on the platform exactly once, or came back to its
 *   reply_not_delivered              agent as a draft (the hub refused it: reassigned, resolved, a
 *   reply_stored_twice               collision); a reply discarded at sign-out is there at most once
 *   note_twice / note_lost          the same for internal notes, in the hub's notes
 *   unexpected_post                 nothing reaches the platform that no agent sent
 *   draft_lost                      every draft typed and not sent or discarded is in its agent's drafts:
 *                                    in the desktop's cache, or kept for that agent on that desktop
 *   out_of_scope                    every open conversation is in exactly one agent's or queue's scope:
 *                                    assigned to an agent who exists, or unassigned in a team with members
 *   cache_diverged                  every signed-in desktop holds exactly the conversations (and their
 *                                    status) the hub says its agent's scope has
 *   insight_*                       (run.ts, after every operation) an insight never reopens, never loses
 *                                    its closure, never moves its opened_at, never vanishes
 */
import type pg from 'pg';
import type { KeptWorkStore } from '../../main/core/kept-work';
import type { MetaStandin } from '../../hub/connectors/standins/meta';
import type { XStandin } from '../../hub/connectors/standins/x';
import { scopeSnapshot } from '../../hub/sync/scope';
import type { SoakAgent } from './floor';
import type { DeskProc, HubProc } from './procs';

export interface Violation { seed: number; kind: string; detail: string }

export type PostKind = 'x' | 'x-dm' | 'fb' | 'messenger';

export interface Post {
  k: number; marker: string; kind: PostKind; customer: number; platformId: string;
  /** FB: the page post the comment is under */
  threadId: string; payload: unknown; delivered: boolean;
}

export interface WorkRec { marker: string; text: string; desk: number; agent: string; conversation: string; discarded: boolean; uncertain: boolean }
export interface DraftRec { desk: number; agent: string; conversation: string; text: string; /** a draft.save cut by a SIGKILL: the older text is as good */ or?: string }
export interface InsightState { status: string; opened_at: string; closed_at: string | null; resolution: string | null }

export interface Ledger {
  seed: number;
  posts: Post[];
  replies: WorkRec[];
  notes: WorkRec[];
  /** by `${desk}|${agent}|${conversation}` */
  drafts: Map<string, DraftRec>;
  insights: Map<string, InsightState>;
  violations: Violation[];
}

export interface CheckContext {
  db: pg.Client;
  x: XStandin;
  meta: MetaStandin;
  hub: HubProc;
  desks: Array<{ idx: number; proc: DeskProc; agent: SoakAgent | null; kept: Set<string>; store: KeptWorkStore; hubUrl: string }>;
  violation(kind: string, detail: string): void;
}

const MARKER = /\[s\d+[a-z]\d+\]/g;
/** the first marker in a text: the driver's work is named by it (a reply sent from the composer may carry several) */
export const MARKER_ONE = /\[s\d+[a-z]\d+\]/;
/**
 * The markers a text carries, each once: a message counts once per marker however often its text quotes it (seed
 * 40059: a handover summary names the customer's post twice, "Problem: … [s40059p3]" and "Open: … [s40059p3]", and
 * one message sent once with it counted as reply_twice and reply_stored_twice).
 */
const markersIn = (text: string) => [...new Set(text.match(MARKER) ?? [])];

export async function checkRun(ledger: Ledger, ctx: CheckContext): Promise<void> {
  const q = async <T>(sql: string, params: unknown[] = []) => (await ctx.db.query(sql, params)).rows as T[];
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  // ---- inbound: each post once ----
  const inbound = new Map<string, number>();
  for (const r of await q<{ text: string }>("SELECT text FROM messages WHERE direction = 'inbound'")) for (const m of markersIn(r.text)) count(inbound, m);
  for (const p of ledger.posts) {
    const n = inbound.get(p.marker) ?? 0;
    if (n === 0 && p.delivered) ctx.violation('post_lost', `${p.kind} ${p.marker} (${p.platformId}) was accepted (200) and is not stored`);
    if (n > 1) ctx.violation('post_twice', `${p.kind} ${p.marker} (${p.platformId}) is stored ${n} times`);
  }

  // ---- what the agents' desktops hold: drafts in caches and in kept files ----
  const draftsOf = new Map<string, string[]>(); // `${desk}|${agent}|${conversation}` → texts
  const keep = (desk: number, agent: string, conversation: string, text: string) => {
    const k = `${desk}|${agent}|${conversation}`;
    draftsOf.set(k, [...(draftsOf.get(k) ?? []), text]);
  };
  for (const d of ctx.desks) {
    if (d.agent && d.proc.up) for (const r of await d.proc.call<Array<{ conversation_id: string; text: string }>>('drafts')) keep(d.idx, d.agent.id, r.conversation_id, r.text);
    for (const agent of d.kept) {
      const work = d.store.load(d.hubUrl, agent);
      for (const r of [...work?.drafts ?? [], ...work?.note_drafts ?? []]) keep(d.idx, agent, r.conversation_id, r.text);
    }
  }
  const inDraft = (w: { desk: number; agent: string; conversation: string }, needle: string) =>
    (draftsOf.get(`${w.desk}|${w.agent}|${w.conversation}`) ?? []).some((t) => t.includes(needle));

  // ---- replies: on the platform once, or back as a draft ----
  const platform = new Map<string, number>();
  const posted = [...ctx.x.tweets.map((t) => t.text), ...ctx.x.dms.map((m) => m.text), ...ctx.meta.comments.map((c) => c.message), ...ctx.meta.messages.map((m) => m.message)];
  for (const t of posted) for (const m of markersIn(t)) count(platform, m);
  const hubOut = new Map<string, Array<{ delivery: string; delivery_error: string | null }>>();
  for (const r of await q<{ text: string; delivery: string; delivery_error: string | null }>("SELECT text, delivery, delivery_error FROM messages WHERE direction = 'outbound'")) {
    for (const m of markersIn(r.text)) hubOut.set(m, [...(hubOut.get(m) ?? []), r]);
  }
  const sent = new Set<string>();
  for (const r of ledger.replies) {
    // a reply sent from the composer carries what was there: a draft, a refused reply or note given back
    for (const m of markersIn(r.text)) sent.add(m);
    const n = platform.get(r.marker) ?? 0;
    const rows = hubOut.get(r.marker) ?? [];
    if (n > 1) ctx.violation('reply_twice', `reply ${r.marker} by ${r.agent} is on the platform ${n} times (hub: ${JSON.stringify(rows)})`);
    if (rows.length > 1) ctx.violation('reply_stored_twice', `reply ${r.marker} is ${rows.length} messages on the hub`);
    if (r.discarded || r.uncertain) continue;
    if (n === 1) {
      if (rows.length === 1 && rows[0].delivery !== 'sent') ctx.violation('reply_state_wrong', `reply ${r.marker} is on the platform but the hub says ${rows[0].delivery} (${rows[0].delivery_error ?? ''})`);
    } else if (n === 0) {
      if (rows.length > 0) ctx.violation('reply_not_delivered', `reply ${r.marker} by ${r.agent} was accepted by the hub (${rows.map((x) => `${x.delivery} ${x.delivery_error ?? ''}`).join('; ')}) and is not on the platform`);
      else if (!inDraft(r, r.marker)) ctx.violation('reply_lost', `reply ${r.marker} by ${r.agent} on desktop ${r.desk} (conversation ${r.conversation}) is neither on the platform nor back as a draft`);
    }
  }
  for (const [m, n] of platform) if (!sent.has(m)) ctx.violation('unexpected_post', `${m} is on the platform ${n} time(s) and no agent sent it`);

  // ---- notes: stored once, or back as a draft ----
  const notes = new Map<string, number>();
  for (const r of await q<{ text: string }>('SELECT text FROM notes')) for (const m of markersIn(r.text)) count(notes, m);
  for (const r of ledger.notes) {
    const n = notes.get(r.marker) ?? 0;
    if (n > 1) ctx.violation('note_twice', `note ${r.marker} is stored ${n} times`);
    // a refused note given back to the composer may have gone out in the reply sent from it
    const inReply = platform.has(r.marker) || hubOut.has(r.marker);
    if (n === 0 && !r.discarded && !r.uncertain && !inReply && !inDraft(r, r.marker)) ctx.violation('note_lost', `note ${r.marker} by ${r.agent} is neither on the hub nor back as a draft`);
  }

  // ---- drafts: nothing typed is lost ----
  for (const dr of ledger.drafts.values()) {
    if (inDraft(dr, dr.text) || (dr.or !== undefined && inDraft(dr, dr.or))) continue;
    const where = draftsOf.get(`${dr.desk}|${dr.agent}|${dr.conversation}`);
    ctx.violation('draft_lost', `draft "${dr.text}" of ${dr.agent} on desktop ${dr.desk} (conversation ${dr.conversation}) is gone; drafts there: ${JSON.stringify(where ?? [])}`);
  }

  // ---- every open conversation in exactly one agent's or queue's scope ----
  const open = await q<{ id: string; assignee_id: string | null; team_id: string | null; agent_ok: boolean; members: number; kind: string | null }>(
    `SELECT c.id, c.assignee_id, c.team_id, a.id IS NOT NULL AS agent_ok, t.kind,
            (SELECT count(*)::int FROM agent_teams m WHERE m.team_id = c.team_id) AS members
       FROM conversations c LEFT JOIN agents a ON a.id = c.assignee_id LEFT JOIN teams t ON t.id = c.team_id
      WHERE c.status <> 'resolved'`);
  for (const c of open) {
    if (c.assignee_id !== null && !c.agent_ok) ctx.violation('out_of_scope', `conversation ${c.id} is assigned to ${c.assignee_id}, who does not exist`);
    else if (c.assignee_id === null && c.team_id === null) ctx.violation('out_of_scope', `open conversation ${c.id} has no agent and no queue: nobody's scope`);
    else if (c.assignee_id === null && c.members === 0) ctx.violation('out_of_scope', `open conversation ${c.id} waits in team ${c.team_id}, which has no members`);
  }

  // ---- each signed-in desktop holds what the hub says its agent's scope is ----
  const db = { query: async <T>(sql: string, params?: unknown[]) => (await ctx.db.query(sql, params)).rows as T[], exec: async (sql: string) => { await ctx.db.query(sql); } };
  for (const d of ctx.desks) {
    if (!d.agent || !d.proc.up) continue;
    const want = (await scopeSnapshot(db, d.agent.id)).conversations.map((c) => `${c.id}:${c.status}`).sort();
    const have = (await d.proc.call<Array<{ id: string; status: string }>>('conversations')).map((c) => `${c.id}:${c.status}`).sort();
    const missing = want.filter((x) => !have.includes(x));
    const extra = have.filter((x) => !want.includes(x));
    if (missing.length || extra.length) {
      ctx.violation('cache_diverged', `desktop ${d.idx} (${d.agent.id}): missing ${JSON.stringify(missing.slice(0, 5))}, extra ${JSON.stringify(extra.slice(0, 5))}`);
    }
  }
}
