/**
 * The mutations API: batches of {id, type, args} from an agent's outbox.
 *
 * Two kinds of refusal:
 *  - the request itself is wrong (args fail the contract's schema, ids unknown in the workspace,
 *    a message id already used by another mutation): the whole batch is refused with a 4xx
 *    before anything is written (MutationBatchError; `details.results` says which mutation);
 *  - the world moved (conversation reassigned or resolved meanwhile, over the channel's limit,
 *    outside the agent's queues): that mutation gets {ok:false, error:{code}} in the results,
 *    and the result is stored like a success.
 *
 * Idempotency: the mutation id is stored with its result and the hash of its canonical payload
 * (payload.ts) in the same transaction as its effect. Writers serialize on the change log's lock,
 * so a repeat (concurrent, or after a restart) finds the stored result and returns it without
 * repeating the effect; the same id with another payload is refused whole (409 id_reused).
 */
import type { z } from 'zod';
import {
  MutationArgsSchemas, type Mutation, type MutationResult, type MutationType, type RejectionCode,
} from '../../shared/contract/hub-api';
import { LIMITS } from '../../shared/domain';
import { CHANNEL_LIMITS, xLength } from '../../shared/text/channel-length';
import { HttpError } from '../api/errors';
import type { LabelTask, MutationHooks as ModuleMutationHooks } from '../api/module';
import type { Queryable } from '../db/db';
import { sql, type ChangeLog, type Writer } from '../sync/changelog';
import { inDirectScope, type AgentContext } from '../sync/scope';
import { isOtherPayload, payloadHash } from './payload';

/** The hooks of other modules (api/module.ts), and where a failing after-commit effect is reported. */
export type MutationHooks = ModuleMutationHooks & { onError?(err: unknown): void };

/** A refusal of the whole batch, before anything is written (`details.results` names the mutations). */
export const MutationBatchError = HttpError;

/** `hash`: the canonical payload's hash (payload.ts), stored with the id */
type Parsed = { id: string; type: MutationType; args: any; hash: string };

interface ConversationRow {
  id: string;
  workspace_id: string;
  channel: string;
  status: string;
  assignee_id: string | null;
  team_id: string | null;
  tags: string[];
  first_response_at: Date | null;
  analysis: Record<string, any>;
  priority: string;
}

const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

const reject = (id: string, code: RejectionCode, message: string): MutationResult => ({ id, ok: false, error: { code, message } });
const idReused = (id: string): MutationResult =>
  reject(id, 'id_reused', `mutation id ${id} was already used for a different change; send this change under a new id`);

/** Contract-level checks of every mutation, and ids that must exist. Throws MutationBatchError. */
async function validateBatch(q: Queryable, agent: AgentContext, batch: Mutation[]): Promise<Parsed[]> {
  const parsed: Parsed[] = [];
  const bad: MutationResult[] = [];
  const seen = new Set<string>();
  for (const m of batch) {
    if (seen.has(m.id)) {
      bad.push(reject(m.id, 'invalid', 'the same mutation id appears twice in the batch'));
      continue;
    }
    seen.add(m.id);
    const r = (MutationArgsSchemas[m.type] as z.ZodType).safeParse(m.args);
    if (!r.success) {
      bad.push(reject(m.id, 'invalid', `${m.type}: ${r.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}`));
      continue;
    }
    const args = r.data as any;
    if (m.type === 'set_status' && args.status === 'snoozed' && !args.snoozed_until) {
      bad.push(reject(m.id, 'invalid', 'set_status: snoozed_until is required to snooze'));
      continue;
    }
    if (m.type === 'record_handle_time') {
      const problem = handleSpanProblem(args);
      if (problem) { bad.push(reject(m.id, 'invalid', `record_handle_time: ${problem}`)); continue; }
    }
    if (m.type === 'correct_label' && args.task === 'priority' && !PRIORITIES.includes(args.label)) {
      bad.push(reject(m.id, 'invalid', `correct_label: a priority is one of ${PRIORITIES.join(', ')}, got "${args.label}"`));
      continue;
    }
    if (m.type === 'correct_label' && args.task === 'sentiment' && !SENTIMENT_LABELS.includes(args.label)) {
      bad.push(reject(m.id, 'invalid', `correct_label: a sentiment is one of ${SENTIMENT_LABELS.join(', ')}, got "${args.label}"`));
      continue;
    }
    parsed.push({ id: m.id, type: m.type, args, hash: payloadHash(m.type, args) });
  }
  if (bad.length) throw new MutationBatchError(400, 'invalid', bad[0].ok ? '' : bad[0].error.message, { results: bad });

  const pick = (list: Parsed[], f: (p: Parsed) => unknown) => [...new Set(list.map(f).filter((x): x is string => typeof x === 'string'))];
  const taken = async (table: string, list: string[]) => new Set(list.length === 0 ? [] : (await q.query<{ id: string }>(
    `SELECT id FROM ${table} WHERE id = ANY($1::text[])`, [list])).map((r) => r.id));
  // Read used message/note ids BEFORE stored mutations: a concurrent first attempt that commits
  // in between is then seen as stored (answered from the store), never as a conflict.
  const [usedMsgs, usedNotes] = await Promise.all([
    taken('messages', pick(parsed, (p) => (p.type === 'reply' ? p.args.message_id : null))),
    taken('notes', pick(parsed, (p) => (p.type === 'note' ? p.args.note_id : null))),
  ]);
  // Mutations already applied are answered from the store: no further checks for them. An id
  // stored with another payload is a different request under a used id: refused, never answered
  // with the first one's result (which would drop the new request silently).
  const storedRows = parsed.length === 0 ? [] : await q.query<{ id: string; agent_id: string; payload_hash: string | null }>(
    'SELECT id, agent_id, payload_hash FROM mutations WHERE id = ANY($1::text[])', [parsed.map((p) => p.id)]);
  const stored = new Map(storedRows.map((r) => [r.id, r]));
  const reused = parsed.filter((p) => { const s = stored.get(p.id); return !!s && s.agent_id === agent.id && isOtherPayload(s.payload_hash, p.hash); })
    .map((p) => idReused(p.id));
  if (reused.length) throw new MutationBatchError(409, 'id_reused', reused[0].ok ? '' : reused[0].error.message, { results: reused });
  const fresh = parsed.filter((p) => !stored.has(p.id));
  const found = async (table: string, list: string[]) => new Set(list.length === 0 ? [] : (await q.query<{ id: string }>(
    `SELECT id FROM ${table} WHERE workspace_id = $1 AND id = ANY($2::text[])`, [agent.workspace_id, list])).map((r) => r.id));
  const [convs, agents, teams] = await Promise.all([
    found('conversations', pick(fresh, (p) => p.args.conversation_id)),
    found('agents', pick(fresh, (p) => (p.type === 'assign' ? p.args.assignee_id : null))),
    found('teams', pick(fresh, (p) => (p.type === 'assign' ? p.args.team_id : null))),
  ]);

  const notFound: MutationResult[] = [];
  const conflicts: MutationResult[] = [];
  const newIds = new Set<string>();
  for (const p of fresh) {
    const a = p.args;
    if (!convs.has(a.conversation_id)) notFound.push(reject(p.id, 'not_found', `conversation ${a.conversation_id} not found`));
    else if (p.type === 'assign' && a.assignee_id !== null && !agents.has(a.assignee_id)) notFound.push(reject(p.id, 'not_found', `agent ${a.assignee_id} not found`));
    else if (p.type === 'assign' && typeof a.team_id === 'string' && !teams.has(a.team_id)) notFound.push(reject(p.id, 'not_found', `team ${a.team_id} not found`));
    const newId = p.type === 'reply' ? a.message_id : p.type === 'note' ? a.note_id : null;
    if (newId && (usedMsgs.has(newId) || usedNotes.has(newId) || newIds.has(newId))) {
      conflicts.push(reject(p.id, 'invalid', `${p.type === 'reply' ? 'message' : 'note'} id ${newId} is already used by another mutation`));
    }
    if (newId) newIds.add(newId);
  }
  if (notFound.length) throw new MutationBatchError(404, 'not_found', notFound[0].ok ? '' : notFound[0].error.message, { results: notFound });
  if (conflicts.length) throw new MutationBatchError(409, 'conflict', conflicts[0].ok ? '' : conflicts[0].error.message, { results: conflicts });
  return parsed;
}

/** Longest span a desktop may report, and how far ahead of the hub's clock a desktop's may run. */
const MAX_SPAN_MS = 12 * 3600_000;
const CLOCK_SKEW_MS = 10 * 60_000;

/** Why a handle-time span cannot be true, or null. */
function handleSpanProblem(a: { started_at: string; ended_at: string; active_ms: number }): string | null {
  const from = Date.parse(a.started_at), to = Date.parse(a.ended_at);
  if (to < from) return 'ended_at is before started_at';
  if (to - from > MAX_SPAN_MS) return `a span lasts at most ${MAX_SPAN_MS / 3600_000} hours`;
  if (a.active_ms > to - from + 1000) return `active_ms (${a.active_ms}) is longer than the span (${to - from} ms)`;
  if (to > Date.now() + CLOCK_SKEW_MS) return 'the span ends in the future';
  return null;
}

type AfterCommit = Array<() => Promise<void>>;

export async function applyMutations(log: ChangeLog, agent: AgentContext, batch: Mutation[], hooks: MutationHooks = {}): Promise<MutationResult[]> {
  const parsed = await validateBatch(log.db, agent, batch);
  if (hooks.prepare) {
    const replies = parsed.filter((m) => m.type === 'reply' && m.args.visibility === 'public').map((m) => ({
      conversation_id: String(m.args.conversation_id), seen_up_to: m.args.seen_up_to ? Date.parse(m.args.seen_up_to) : null, confirm_token: m.args.confirm_collision ?? null,
    }));
    await hooks.prepare(agent, replies);
  }
  const after: AfterCommit = [];
  const results = await log.write(async (w) => {
    after.length = 0; // a retried transaction starts over
    const out: MutationResult[] = [];
    for (const m of parsed) out.push(await applyOne(w, agent, m, hooks, after));
    return out;
  });
  // effects outside the database, only for mutations applied now (never for a repeat)
  for (const f of after) {
    try { await f(); } catch (err) { (hooks.onError ?? ((e) => console.error('[mutations]', e)))(err); }
  }
  return results;
}

async function applyOne(w: Writer, agent: AgentContext, m: Parsed, hooks: MutationHooks, after: AfterCommit): Promise<MutationResult> {
  const [prior] = await w.query<{ agent_id: string; result: MutationResult; payload_hash: string | null }>(
    'SELECT agent_id, result, payload_hash FROM mutations WHERE id = $1', [m.id]);
  if (prior) {
    if (prior.agent_id !== agent.id) return reject(m.id, 'forbidden', 'this mutation id belongs to another agent');
    // a concurrent first attempt with another payload committed after validateBatch: the whole batch rolls back
    if (isOtherPayload(prior.payload_hash, m.hash)) throw new MutationBatchError(409, 'id_reused', 'mutation id already used for a different change', { results: [idReused(m.id)] });
    return prior.result;
  }
  const [conv] = await w.query<ConversationRow>(
    `SELECT id, workspace_id, channel, status, assignee_id, team_id, tags, first_response_at, analysis, priority
     FROM conversations WHERE id = $1 AND workspace_id = $2`, [m.args.conversation_id, agent.workspace_id]);
  if (!conv) return reject(m.id, 'not_found', `conversation ${m.args.conversation_id} not found`); // validated above; never stored
  const newId = m.type === 'reply' ? m.args.message_id : m.type === 'note' ? m.args.note_id : null;
  if (newId) {
    const [used] = await w.query(`SELECT 1 FROM ${m.type === 'reply' ? 'messages' : 'notes'} WHERE id = $1`, [newId]);
    // thrown inside the transaction: the whole batch rolls back, nothing is written
    if (used) throw new MutationBatchError(409, 'conflict', `id ${newId} is already used by another mutation`, { results: [reject(m.id, 'invalid', 'id already used')] });
  }
  const result = await effect(w, agent, m, conv, hooks, after);
  // a collision warning is an answer to this attempt, not to the mutation: the re-send with the
  // confirm token reuses the id, so it is not stored
  if (!result.ok && result.error.code === 'collision') return result;
  await w.query('INSERT INTO mutations (id, workspace_id, agent_id, type, result, payload_hash) VALUES ($1, $2, $3, $4, $5, $6)',
    [m.id, agent.workspace_id, agent.id, m.type, JSON.stringify(result), m.hash]);
  return result;
}

/** Checks that depend on the current state, then the effect. Returns the result to store. */
async function effect(w: Writer, agent: AgentContext, m: Parsed, conv: ConversationRow, hooks: MutationHooks, after: AfterCommit): Promise<MutationResult> {
  const a = m.args;
  const supervisor = agent.role !== 'agent';
  if (m.type === 'record_handle_time') {
    // the agent's own time, wherever the conversation is now (it may have moved on since): no scope check
    await w.query(`INSERT INTO handle_time (span_id, workspace_id, agent_id, conversation_id, started_at, ended_at, active_ms)
      VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (span_id) DO NOTHING`,
    [a.span_id, conv.workspace_id, agent.id, conv.id, a.started_at, a.ended_at, a.active_ms]);
    return { id: m.id, ok: true, value: { conversation_id: conv.id, span_id: a.span_id, active_ms: a.active_ms } };
  }
  if (!supervisor && !inDirectScope(agent, conv)) {
    if (conv.assignee_id && conv.assignee_id !== agent.id) {
      return reject(m.id, 'conversation_reassigned', 'this conversation is now assigned to someone else');
    }
    return reject(m.id, 'forbidden', 'this conversation is not in your queues');
  }
  const ok = (value: Record<string, unknown>): MutationResult => ({ id: m.id, ok: true, value });

  switch (m.type) {
    case 'reply': {
      if (conv.status === 'resolved') return reject(m.id, 'conversation_resolved', 'this conversation was resolved; reopen it to reply');
      const limit = a.visibility === 'public' ? CHANNEL_LIMITS[conv.channel as keyof typeof CHANNEL_LIMITS] : null;
      const length = conv.channel === 'x' || conv.channel === 'sandbox' ? xLength(a.text) : [...a.text].length;
      if (limit !== null && limit !== undefined && length > limit) {
        return reject(m.id, 'too_long', `${length} characters as ${conv.channel} counts them; the limit is ${limit}`);
      }
      if (a.visibility === 'public' && hooks.checkReplyCollision) {
        const seen = a.seen_up_to ? Date.parse(a.seen_up_to) : null;
        const check = hooks.checkReplyCollision({
          workspace_id: conv.workspace_id, conversation_id: conv.id, agent_id: agent.id, seen_up_to: seen, confirm_token: a.confirm_collision ?? null,
        });
        if (check.decision === 'warn') {
          return { id: m.id, ok: false, error: { code: 'collision', message: check.message, details: { conflicts: check.conflicts, confirm_token: check.confirm_token } } };
        }
      }
      const claim = conv.assignee_id === null; // replying to the queue takes the conversation
      const [lastInbound] = await w.query<{ platform_id: string | null }>(
        `SELECT platform_id FROM messages WHERE conversation_id = $1 AND direction = 'inbound' AND visibility = $2
         ORDER BY created_at DESC, id DESC LIMIT 1`, [conv.id, a.visibility]);
      await w.update('conversation', conv.id, {
        ...(claim ? { assignee_id: agent.id } : {}),
        first_response_at: conv.first_response_at ? undefined : sql('now()'),
        next_response_due_at: null,
        last_message_at: sql('now()'),
        snippet: a.text.slice(0, 200),
        message_count: sql('message_count + 1'),
        updated_at: sql('now()'),
      });
      await w.insert('message', {
        id: a.message_id, workspace_id: conv.workspace_id, conversation_id: conv.id, channel: conv.channel,
        direction: 'outbound', visibility: a.visibility, author_id: agent.id, author_name: agent.name, text: a.text,
        in_reply_to: lastInbound?.platform_id ?? null, delivery: 'queued', next_attempt_at: sql('now()'), created_at: sql('now()'),
      });
      return ok({ message_id: a.message_id, conversation_id: conv.id, assigned: claim });
    }
    case 'note': {
      await w.insert('note', {
        id: a.note_id, workspace_id: conv.workspace_id, conversation_id: conv.id,
        author_id: agent.id, author_name: agent.name, text: a.text, created_at: sql('now()'),
      });
      return ok({ note_id: a.note_id, conversation_id: conv.id });
    }
    case 'set_status': {
      await w.update('conversation', conv.id, {
        status: a.status,
        snoozed_until: a.status === 'snoozed' ? a.snoozed_until : null,
        resolved_at: a.status === 'resolved' ? (conv.status === 'resolved' ? undefined : sql('now()')) : null,
        updated_at: sql('now()'),
      });
      if (a.status === 'resolved' && conv.status !== 'resolved' && hooks.afterResolve) {
        const resolved = hooks.afterResolve;
        after.push(() => resolved(conv.workspace_id, conv.id));
      }
      return ok({ conversation_id: conv.id, status: a.status });
    }
    case 'assign': {
      const team = a.team_id === undefined ? conv.team_id : a.team_id;
      if (a.assignee_id === null && team === null) return reject(m.id, 'invalid', 'unassigning needs a team queue to return the conversation to');
      await w.update('conversation', conv.id, { assignee_id: a.assignee_id, team_id: team, updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, assignee_id: a.assignee_id, team_id: team });
    }
    case 'tag': {
      const tags = new Set(conv.tags);
      for (const t of a.add as string[]) tags.add(t);
      for (const t of a.remove as string[]) tags.delete(t);
      if (tags.size > LIMITS.tagsPerConversation) {
        return reject(m.id, 'invalid', `a conversation holds at most ${LIMITS.tagsPerConversation} tags`);
      }
      await w.update('conversation', conv.id, { tags: [...tags].sort(), updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, tags: [...tags].sort() });
    }
    case 'set_priority': {
      await w.update('conversation', conv.id, { priority: a.priority, updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, priority: a.priority });
    }
    case 'correct_label': {
      const task = a.task as LabelTask;
      const label = a.label as string;
      const analysis = correctedAnalysis(conv.analysis ?? {}, task, label, agent.name);
      await w.update('conversation', conv.id, {
        analysis, ...(task === 'priority' ? { priority: label } : {}), updated_at: sql('now()'),
      });
      if (hooks.learnLabel) {
        const learn = hooks.learnLabel;
        const texts = await w.query<{ text: string }>(
          `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY created_at, id LIMIT 20`, [conv.id]);
        const text = texts.map((t) => t.text).join('\n').slice(0, 5000);
        if (text.trim()) after.push(() => learn(conv.workspace_id, { text, task, label }));
      }
      return ok({ conversation_id: conv.id, task, label, analysis });
    }
  }
}

/** The conversation's analysis with one label replaced by an agent's correction. */
export function correctedAnalysis(analysis: Record<string, any>, task: LabelTask, label: string, agentName: string): Record<string, any> {
  const next: Record<string, any> = { ...analysis };
  if (task === 'sentiment') {
    const old = typeof analysis.sentiment?.score === 'number' ? analysis.sentiment.score : 0;
    // keep the measured score when it agrees with the corrected label, else a typical one for it
    const agrees = label === 'positive' ? old > 0.05 : label === 'negative' ? old < -0.05 : Math.abs(old) <= 0.05;
    next.sentiment = { ...(analysis.sentiment ?? {}), label, score: agrees ? old : label === 'positive' ? 0.5 : label === 'negative' ? -0.5 : 0 };
  } else {
    next[task] = label;
  }
  next.corrected = { ...(analysis.corrected ?? {}), [task]: agentName };
  // A correction adds to the reason: the analysis' own words stay, so the priority and its reason never disagree.
  const correction = `${task} ${label}: corrected by ${agentName}`;
  next.reason = typeof analysis.reason === 'string' && analysis.reason ? `${analysis.reason}; ${correction}` : correction;
  return next;
}
