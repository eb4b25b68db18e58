/**
 * What each mutation type does, one typed handler per type (keyed by the contract's
 * MutationArgsSchemas, so a new mutation type does not compile without its handler):
 *  - `check`: refusals of the request itself, beyond the schema (the batch gets a 400 `invalid`);
 *  - `apply`: the checks that depend on the current state, then the effect, inside the write
 *    transaction. Returns the result to store with the mutation id.
 * The pipeline around them (validation, idempotency, the transaction, after-commit effects) is
 * mutations.ts.
 */
import type { MutationArgs, MutationResult, MutationType, RejectionCode } from '../../shared/contract/hub-api';
import { LIMITS, PrioritySchema, type Analysis, type Channel } from '../../shared/domain';
import { inDirectScope } from '../../shared/scope';
import { countForChannel } from '../../shared/text/channel-length';
import { PRIVATE_REPLY_CHANNELS, privateReplyProblem } from '../../shared/private-replies';
import type { LabelTask, MutationHooks } from '../api/module';
import { sql, type Writer } from '../sync/changelog';
import { mentionedAgents } from './mentions';
import type { AgentContext } from '../sync/scope';

/** The conversation row a mutation acts on (read inside the transaction). */
export interface ConversationRow {
  id: string;
  workspace_id: string;
  channel: Channel;
  status: string;
  assignee_id: string | null;
  team_id: string | null;
  tags: string[];
  first_response_at: Date | null;
  analysis: Analysis;
  priority: string;
  customer_id: string;
}

/** A mutation whose args passed the contract's schema: `type` and `args` agree. */
export type ParsedMutation<T extends MutationType = MutationType> = { [K in T]: { id: string; type: K; args: MutationArgs<K> } }[T];

export interface EffectContext {
  /** the mutation's id */
  id: string;
  w: Writer;
  agent: AgentContext;
  conv: ConversationRow;
  hooks: MutationHooks;
  /** effects outside the database, run after the commit (never for a repeated mutation) */
  after: Array<() => Promise<void>>;
  ok(value: Record<string, unknown>): MutationResult;
  reject(code: RejectionCode, message: string): MutationResult;
}

interface MutationHandler<T extends MutationType> {
  /** a reason the request itself is wrong, or null */
  check?(args: MutationArgs<T>): string | null;
  /** the agent's own record about the conversation (handle time), allowed wherever the conversation is now: no scope check */
  unscoped?: true;
  apply(x: EffectContext, args: MutationArgs<T>): Promise<MutationResult>;
}

/** Channels where a public reply is a reply to the customer's post (the platform needs its id). */
const PUBLIC_REPLY_NEEDS_A_POST: ReadonlySet<string> = new Set(['facebook', 'instagram']);
/**
 * The customer's last public comment in a conversation, and whether it has had its one private reply
 * (one sent, or on its way; a cancelled or finally failed one used nothing).
 */
const LAST_COMMENT_SQL = `
  SELECT i.platform_id, (extract(epoch from i.created_at) * 1000)::float8 AS created_ms,
         EXISTS (SELECT 1 FROM messages o WHERE o.conversation_id = i.conversation_id AND o.direction = 'outbound' AND o.visibility = 'private'
                    AND o.in_reply_to = i.platform_id AND o.delivery <> 'cancelled' AND NOT (o.delivery = 'failed' AND o.next_attempt_at IS NULL)) AS replied
    FROM messages i WHERE i.conversation_id = $1 AND i.direction = 'inbound' AND i.visibility = 'public' AND i.platform_id IS NOT NULL
   ORDER BY i.created_at DESC, i.id DESC LIMIT 1`;

const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'];
const PRIORITIES: readonly string[] = PrioritySchema.options;

export const MUTATION_HANDLERS: { [T in MutationType]: MutationHandler<T> } = {
  record_handle_time: {
    check(a) {
      const problem = handleSpanProblem(a);
      return problem ? `record_handle_time: ${problem}` : null;
    },
    // the agent's own time, wherever the conversation is now (it may have moved on since)
    unscoped: true,
    async apply({ w, agent, conv, ok }, a) {
      await w.query(`INSERT INTO handle_time (span_id, workspace_id, agent_id, conversation_id, started_at, ended_at, active_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (span_id) DO NOTHING`,
      [a.span_id, conv.workspace_id, agent.id, conv.id, a.started_at, a.ended_at, a.active_ms]);
      return ok({ conversation_id: conv.id, span_id: a.span_id, active_ms: a.active_ms });
    },
  },
  reply: {
    async apply({ id, w, agent, conv, hooks, ok, reject }, a) {
      if (conv.status === 'resolved') return reject('conversation_resolved', 'this conversation was resolved; reopen it to reply');
      // the composer's count (shared/text/channel-length.ts) is the truth: the hub refuses exactly what it shows as over
      const count = countForChannel(a.text, conv.channel, a.visibility);
      if (count.over) return reject('too_long', `${count.count} characters as ${conv.channel} counts them; the limit is ${count.limit}`);
      if (a.visibility === 'public' && hooks.checkReplyCollision) {
        const check = hooks.checkReplyCollision({
          workspace_id: conv.workspace_id, conversation_id: conv.id, agent_id: agent.id,
          seen_up_to: a.seen_up_to ? Date.parse(a.seen_up_to) : null, confirm_token: a.confirm_collision ?? null,
          assignee_id: conv.assignee_id,
        });
        if (check.decision === 'warn') {
          return { id, ok: false, error: { code: 'collision', message: check.message, details: { conflicts: check.conflicts, confirm_token: check.confirm_token } } };
        }
      }
      const claim = conv.assignee_id === null; // replying to the queue takes the conversation
      const [lastInbound] = await w.query<{ platform_id: string | null }>(
        `SELECT platform_id FROM messages WHERE conversation_id = $1 AND direction = 'inbound' AND visibility = $2
         ORDER BY created_at DESC, id DESC LIMIT 1`, [conv.id, a.visibility]);
      // a public reply on Facebook or Instagram answers a comment: with none to answer (a Messenger or DM
      // conversation) it could never be posted, so it goes back to the agent now, not failed later
      if (a.visibility === 'public' && !lastInbound?.platform_id && PUBLIC_REPLY_NEEDS_A_POST.has(conv.channel)) {
        return reject('invalid', `nothing public to answer in this ${conv.channel} conversation (its messages are private): send it as a private message`);
      }
      // a private message to a customer who only commented in public is Meta's private reply to their
      // last comment: one per comment, within 7 days (shared/private-replies.ts)
      let inReplyTo = lastInbound?.platform_id ?? null;
      if (a.visibility === 'private' && !inReplyTo && PRIVATE_REPLY_CHANNELS.has(conv.channel)) {
        const [comment] = await w.query<{ platform_id: string; created_ms: number; replied: boolean }>(LAST_COMMENT_SQL, [conv.id]);
        if (comment) {
          const problem = privateReplyProblem(conv.channel, { created_at: comment.created_ms, replied: comment.replied }, Date.now());
          if (problem) return reject('invalid', problem);
          inReplyTo = comment.platform_id;
        }
      }
      // a public reply the workspace's approval rules hold waits for a supervisor (hub/approvals): nothing
      // is sent, and the conversation is not answered yet (its SLA keeps running) until it is approved
      const held = a.visibility === 'public' && hooks.replyApproval
        ? await hooks.replyApproval(w, { workspace_id: conv.workspace_id, conversation_id: conv.id, customer_id: conv.customer_id, agent_id: agent.id, text: a.text, analysis: conv.analysis })
        : [];
      if (held.length) {
        await w.update('conversation', conv.id, {
          ...(claim ? { assignee_id: agent.id } : {}), message_count: sql('message_count + 1'), updated_at: sql('now()'),
        });
        await w.insert('message', {
          id: a.message_id, workspace_id: conv.workspace_id, conversation_id: conv.id, channel: conv.channel,
          direction: 'outbound', visibility: a.visibility, author_id: agent.id, author_name: agent.name, text: a.text,
          in_reply_to: inReplyTo, delivery: 'awaiting_approval', next_attempt_at: null, created_at: sql('now()'),
          delivery_error: `awaiting approval: ${held.join('; ')}`,
        });
        await w.query(`INSERT INTO approvals (message_id, workspace_id, conversation_id, agent_id, team_id, reasons, original_text)
          VALUES ($1, $2, $3, $4, $5, $6, $7)`, [a.message_id, conv.workspace_id, conv.id, agent.id, conv.team_id, JSON.stringify(held), a.text]);
        return ok({ message_id: a.message_id, conversation_id: conv.id, assigned: claim, awaiting_approval: true, reasons: held });
      }
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
        in_reply_to: inReplyTo, delivery: 'queued', next_attempt_at: sql('now()'), created_at: sql('now()'),
      });
      return ok({ message_id: a.message_id, conversation_id: conv.id, assigned: claim });
    },
  },
  note: {
    async apply({ w, agent, conv, hooks, after, ok }, a) {
      await w.insert('note', {
        id: a.note_id, workspace_id: conv.workspace_id, conversation_id: conv.id,
        author_id: agent.id, author_name: agent.name, text: a.text, created_at: sql('now()'),
      });
      // colleagues mentioned ("@Ana") hear of it at once (hub/routing pushes it to them)
      if (hooks.afterMention && a.text.includes('@')) {
        const agentIds = await mentionedAgents(w, conv.workspace_id, a.text, agent.id);
        const tell = hooks.afterMention;
        if (agentIds.length) {
          after.push(() => tell(conv.workspace_id, {
            conversation_id: conv.id, note_id: a.note_id, from_agent_id: agent.id, from_name: agent.name, text: a.text, agent_ids: agentIds,
          }));
        }
      }
      return ok({ note_id: a.note_id, conversation_id: conv.id });
    },
  },
  set_status: {
    check: (a) => (a.status === 'snoozed' && !a.snoozed_until ? 'set_status: snoozed_until is required to snooze' : null),
    async apply({ w, conv, agent, hooks, ok }, a) {
      await w.update('conversation', conv.id, {
        status: a.status,
        snoozed_until: a.status === 'snoozed' ? a.snoozed_until : null,
        resolved_at: a.status === 'resolved' ? (conv.status === 'resolved' ? undefined : sql('now()')) : null,
        updated_at: sql('now()'),
      });
      if (a.status === 'resolved' && conv.status !== 'resolved') {
        if (hooks.onResolve) await hooks.onResolve(w, conv.workspace_id, conv.id);
        if (hooks.scoreResolve) await hooks.scoreResolve(w, conv, agent.id);
      }
      return ok({ conversation_id: conv.id, status: a.status });
    },
  },
  assign: {
    async apply({ w, conv, ok, reject }, a) {
      const team = a.team_id === undefined ? conv.team_id : a.team_id;
      if (a.assignee_id === null && team === null) return reject('invalid', 'unassigning needs a team queue to return the conversation to');
      await w.update('conversation', conv.id, { assignee_id: a.assignee_id, team_id: team, updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, assignee_id: a.assignee_id, team_id: team });
    },
  },
  tag: {
    async apply({ w, conv, ok, reject }, a) {
      const tags = new Set(conv.tags);
      for (const t of a.add) tags.add(t);
      for (const t of a.remove) tags.delete(t);
      if (tags.size > LIMITS.tagsPerConversation) return reject('invalid', `a conversation holds at most ${LIMITS.tagsPerConversation} tags`);
      await w.update('conversation', conv.id, { tags: [...tags].sort(), updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, tags: [...tags].sort() });
    },
  },
  set_priority: {
    async apply({ w, conv, ok }, a) {
      await w.update('conversation', conv.id, { priority: a.priority, updated_at: sql('now()') });
      return ok({ conversation_id: conv.id, priority: a.priority });
    },
  },
  assist_feedback: {
    // the agent's own record of what they did with a suggestion, wherever the conversation is now
    unscoped: true,
    async apply({ id, w, agent, conv, ok }, a) {
      await w.query(`INSERT INTO assist_feedback (mutation_id, workspace_id, agent_id, conversation_id, key, action)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mutation_id) DO NOTHING`,
      [id, conv.workspace_id, agent.id, conv.id, a.key, a.action]);
      return ok({ conversation_id: conv.id, action: a.action });
    },
  },
  take_back_rejected: {
    // once per author (hub migration 1090): the first of the author's desktops gets the text, the others nothing
    async apply({ w, agent, conv, ok, reject }, a) {
      if (conv.status === 'resolved') return reject('conversation_resolved', 'this conversation was resolved');
      if (conv.assignee_id !== agent.id) return reject('conversation_reassigned', 'this conversation is no longer yours');
      const [r] = await w.query<{ text: string; visibility: 'public' | 'private'; delivery_error: string | null }>(
        `UPDATE approvals p SET taken_back_at = now() FROM messages m
          WHERE p.message_id = $1 AND p.conversation_id = $2 AND p.agent_id = $3 AND p.decision = 'rejected' AND p.taken_back_at IS NULL
            AND m.id = p.message_id AND m.delivery = 'rejected'
          RETURNING m.text, m.visibility, m.delivery_error`, [a.message_id, conv.id, agent.id]);
      if (!r) return reject('not_found', 'no rejected reply of yours to take back here (another desktop of yours took it back already)');
      return ok({ message_id: a.message_id, text: r.text, visibility: r.visibility, note: r.delivery_error ?? 'not approved' });
    },
  },
  update_customer: {
    async apply({ w, conv, ok, reject }, a) {
      const [cu] = await w.query<{ id: string; tags: string[]; notes: string }>('SELECT id, tags, notes FROM customers WHERE id = $1', [conv.customer_id]);
      const tags = new Set(cu.tags);
      for (const t of a.add_tags) tags.add(t);
      for (const t of a.remove_tags) tags.delete(t);
      if (tags.size > LIMITS.tagsPerConversation) return reject('invalid', `a customer holds at most ${LIMITS.tagsPerConversation} tags`);
      let notes: string | undefined;
      if (typeof a.notes === 'string') {
        // someone changed the notes since this agent read them: theirs and this agent's both stay
        const moved = typeof a.notes_base === 'string' && cu.notes !== a.notes_base && cu.notes !== a.notes;
        notes = moved ? [cu.notes, a.notes].filter((n) => n.trim()).join('\n\n') : a.notes;
      }
      const next = [...tags].sort();
      await w.update('customer', cu.id, { tags: next, notes });
      return ok({ conversation_id: conv.id, customer_id: cu.id, tags: next, notes: notes ?? cu.notes });
    },
  },
  correct_label: {
    check(a) {
      if (a.task === 'priority' && !PRIORITIES.includes(a.label)) return `correct_label: a priority is one of ${PRIORITIES.join(', ')}, got "${a.label}"`;
      if (a.task === 'sentiment' && !SENTIMENT_LABELS.includes(a.label)) return `correct_label: a sentiment is one of ${SENTIMENT_LABELS.join(', ')}, got "${a.label}"`;
      return null;
    },
    async apply({ w, agent, conv, hooks, after, ok }, a) {
      const { task, label } = a;
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
    },
  },
};

/** A request-level refusal of one mutation (beyond the schema), or null. */
export function checkMutation<T extends MutationType>(m: ParsedMutation<T>): string | null {
  const handler = MUTATION_HANDLERS[m.type] as MutationHandler<T>;
  return handler.check?.(m.args) ?? null;
}

/** The scope check every mutation shares, then the mutation's own handler. */
export async function applyEffect<T extends MutationType>(x: EffectContext, m: ParsedMutation<T>): Promise<MutationResult> {
  const handler = MUTATION_HANDLERS[m.type] as MutationHandler<T>;
  if (!handler.unscoped && x.agent.role === 'agent' && !inDirectScope(x.conv, { agent_id: x.agent.id, team_ids: x.agent.team_ids })) {
    if (x.conv.assignee_id && x.conv.assignee_id !== x.agent.id) {
      return x.reject('conversation_reassigned', 'this conversation is now assigned to someone else');
    }
    return x.reject('forbidden', 'this conversation is not in your queues');
  }
  return handler.apply(x, m.args);
}

/** The conversation's analysis with one label replaced by an agent's correction. */
export function correctedAnalysis(analysis: Analysis, task: LabelTask, label: string, agentName: string): Analysis {
  const next: Analysis = { ...analysis };
  if (task === 'sentiment') {
    const old = typeof analysis.sentiment?.score === 'number' ? analysis.sentiment.score : 0;
    // keep the measured score when it agrees with the corrected label, else a typical one for it
    const agrees = label === 'positive' ? old > 0.05 : label === 'negative' ? old < -0.05 : Math.abs(old) <= 0.05;
    next.sentiment = { ...(analysis.sentiment ?? {}), label, score: agrees ? old : label === 'positive' ? 0.5 : label === 'negative' ? -0.5 : 0 };
  } else {
    (next as Record<string, unknown>)[task] = label;
  }
  next.corrected = { ...(analysis.corrected as Record<string, string> | undefined ?? {}), [task]: agentName };
  // A correction adds to the reason: the analysis' own words stay, so the priority and its reason never disagree.
  const correction = `${task} ${label}: corrected by ${agentName}`;
  next.reason = typeof analysis.reason === 'string' && analysis.reason ? `${analysis.reason}; ${correction}` : correction;
  return next;
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
