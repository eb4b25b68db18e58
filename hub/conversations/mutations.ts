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
import { MutationArgsSchemas, type Mutation, type MutationResult, type RejectionCode } from '../../shared/contract/hub-api';
import { HttpError } from '../api/errors';
import type { MutationHooks as ModuleMutationHooks } from '../api/module';
import type { Queryable } from '../db/db';
import type { ChangeLog, Writer } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';
import { applyEffect, checkMutation, type ConversationRow, type ParsedMutation } from './effects';
import { isOtherPayload, payloadHash } from './payload';

export { correctedAnalysis } from './effects';

/** The hooks of other modules (api/module.ts), and where a failing after-commit effect is reported. */
export type MutationHooks = ModuleMutationHooks & { onError(err: unknown): void };

/** A refusal of the whole batch, before anything is written (`details.results` names the mutations). */
export const MutationBatchError = HttpError;

/** `hash`: the canonical payload's hash (payload.ts), stored with the id */
type Parsed = ParsedMutation & { hash: string };

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
    const p = { id: m.id, type: m.type, args: r.data, hash: payloadHash(m.type, r.data as Record<string, unknown>) } as Parsed;
    const problem = checkMutation(p);
    if (problem) {
      bad.push(reject(m.id, 'invalid', problem));
      continue;
    }
    parsed.push(p);
  }
  if (bad.length) throw new MutationBatchError(400, 'invalid', bad[0].ok ? '' : bad[0].error.message, { results: bad });

  const pick = (list: Parsed[], f: (p: Parsed) => string | null | undefined) => [...new Set(list.map(f).filter((x): x is string => typeof x === 'string'))];
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
    const convId = p.args.conversation_id;
    if (!convs.has(convId)) notFound.push(reject(p.id, 'not_found', `conversation ${convId} not found`));
    else if (p.type === 'assign' && p.args.assignee_id !== null && !agents.has(p.args.assignee_id)) notFound.push(reject(p.id, 'not_found', `agent ${p.args.assignee_id} not found`));
    else if (p.type === 'assign' && typeof p.args.team_id === 'string' && !teams.has(p.args.team_id)) notFound.push(reject(p.id, 'not_found', `team ${p.args.team_id} not found`));
    const newId = newRowId(p);
    if (newId && (usedMsgs.has(newId) || usedNotes.has(newId) || newIds.has(newId))) {
      conflicts.push(reject(p.id, 'invalid', `${p.type === 'reply' ? 'message' : 'note'} id ${newId} is already used by another mutation`));
    }
    if (newId) newIds.add(newId);
  }
  if (notFound.length) throw new MutationBatchError(404, 'not_found', notFound[0].ok ? '' : notFound[0].error.message, { results: notFound });
  if (conflicts.length) throw new MutationBatchError(409, 'conflict', conflicts[0].ok ? '' : conflicts[0].error.message, { results: conflicts });
  return parsed;
}

type AfterCommit = Array<() => Promise<void>>;

export async function applyMutations(log: ChangeLog, agent: AgentContext, batch: Mutation[], hooks: MutationHooks): Promise<MutationResult[]> {
  const parsed = await validateBatch(log.db, agent, batch);
  if (hooks.prepare) {
    const replies = parsed.flatMap((m) => (m.type === 'reply' && m.args.visibility === 'public' ? [{
      conversation_id: m.args.conversation_id, seen_up_to: m.args.seen_up_to ? Date.parse(m.args.seen_up_to) : null, confirm_token: m.args.confirm_collision ?? null,
    }] : []));
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
    try { await f(); } catch (err) { hooks.onError(err); }
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
    `SELECT id, workspace_id, channel, status, assignee_id, team_id, tags, first_response_at, analysis, priority, customer_id
     FROM conversations WHERE id = $1 AND workspace_id = $2`, [m.args.conversation_id, agent.workspace_id]);
  if (!conv) return reject(m.id, 'not_found', `conversation ${m.args.conversation_id} not found`); // validated above; never stored
  const newId = newRowId(m);
  if (newId) {
    const [used] = await w.query(`SELECT 1 FROM ${m.type === 'reply' ? 'messages' : 'notes'} WHERE id = $1`, [newId]);
    // thrown inside the transaction: the whole batch rolls back, nothing is written
    if (used) throw new MutationBatchError(409, 'conflict', `id ${newId} is already used by another mutation`, { results: [reject(m.id, 'invalid', 'id already used')] });
  }
  const result = await applyEffect({
    id: m.id, w, agent, conv, hooks, after,
    ok: (value) => ({ id: m.id, ok: true, value }),
    reject: (code, message) => reject(m.id, code, message),
  }, m);
  // a collision warning is an answer to this attempt, not to the mutation: the re-send with the
  // confirm token reuses the id, so it is not stored
  if (!result.ok && result.error.code === 'collision') return result;
  await w.query('INSERT INTO mutations (id, workspace_id, agent_id, type, result, payload_hash) VALUES ($1, $2, $3, $4, $5, $6)',
    [m.id, agent.workspace_id, agent.id, m.type, JSON.stringify(result), m.hash]);
  return result;
}

/** The id of the row a mutation creates (a reply's message, a note), which must be new. */
function newRowId(m: Parsed): string | null {
  return m.type === 'reply' ? m.args.message_id : m.type === 'note' ? m.args.note_id : null;
}
