/**
 * A macro's steps (or a bulk action, which is one step) on one conversation, as the outbox
 * mutations they become and the lines the preview shows — one function for both, so what the
 * preview says is what runs. Pure: the caller passes the conversation, who runs it and what this
 * desktop knows (agents, teams, canned responses).
 *
 * The desktop refuses a conversation whole, before anything is queued, where it already knows the
 * hub would refuse it: someone else owns it, it is outside the agent's queues, a canned response
 * is missing, a reply to a resolved conversation. What the hub refuses later comes back through the
 * outbox into the run's summary (runs.ts).
 */
import type { CannedItem } from '../../../shared/contract/admin';
import type { MutationArgs, MutationType, RejectionCode } from '../../../shared/contract/hub-api';
import type { MacroStep } from '../../../shared/contract/macros';
import { randomUUID } from 'node:crypto';
import { LIMITS, type Conversation, type Role } from '../../../shared/domain';
import { inDirectScope } from '../../../shared/scope';
import { expandCanned } from '../../../shared/text/canned';

export interface PlanContext {
  me: { id: string; name: string; role: Role; team_ids: string[] };
  agents: ReadonlyArray<{ id: string; name: string }>;
  teams: ReadonlyArray<{ id: string; name: string }>;
  /** the canned responses as last read from the hub (a reply step names one by shortcode) */
  canned: ReadonlyArray<Pick<CannedItem, 'shortcode' | 'text'>>;
  customer: { name: string; handle?: string };
  /** ms since the epoch: a snooze counts from here */
  now: number;
}

export type PlannedMutation = { [T in MutationType]: { type: T; args: MutationArgs<T> } }[MutationType] & {
  /** the step as the preview and the summary name it */
  step: string;
  /** what the cache shows at once */
  patch?: Partial<Conversation>;
};

export interface Plan {
  conversation_id: string;
  /** the whole conversation is refused (nothing queued for it), with the hub's code for the same reason */
  refused: { code: RejectionCode; message: string } | null;
  mutations: PlannedMutation[];
  /** what each step will do, in order, as the preview shows it */
  lines: string[];
}

const nameOf = (list: ReadonlyArray<{ id: string; name: string }>, id: string | null, fallback: string) =>
  id === null ? fallback : list.find((x) => x.id === id)?.name ?? fallback;

export function planSteps(conv: Conversation, steps: readonly MacroStep[], ctx: PlanContext): Plan {
  const refuse = (code: RejectionCode, message: string): Plan => ({ conversation_id: conv.id, refused: { code, message }, mutations: [], lines: [message] });
  if (ctx.me.role === 'agent' && !inDirectScope(conv, { agent_id: ctx.me.id, team_ids: ctx.me.team_ids })) {
    return conv.assignee_id !== null
      ? refuse('conversation_reassigned', `assigned to ${nameOf(ctx.agents, conv.assignee_id, 'someone else')}: only they or a supervisor can change it`)
      : refuse('forbidden', 'not in your queues');
  }
  const mutations: PlannedMutation[] = [];
  const lines: string[] = [];
  // the conversation as each step leaves it, so later steps see earlier ones
  let now: Conversation = { ...conv, tags: [...conv.tags] };
  const id = conv.id;
  for (const s of steps) {
    switch (s.kind) {
      case 'reply': {
        const canned = ctx.canned.find((c) => c.shortcode === s.canned);
        if (!canned) return refuse('invalid', `no canned response ;${s.canned} on this desktop`);
        if (now.status === 'resolved') return refuse('conversation_resolved', 'resolved: reopen it to reply');
        const text = expandCanned(canned.text, { customer: ctx.customer, agent: { name: ctx.me.name } }).trim();
        if (!text) return refuse('invalid', `canned response ;${s.canned} is empty`);
        if (text.length > LIMITS.messageText) return refuse('too_long', `canned response ;${s.canned} is longer than a message may be`);
        const message_id = randomUUID();
        mutations.push({ type: 'reply', args: { conversation_id: id, message_id, text, visibility: s.visibility }, step: `reply ;${s.canned}` });
        lines.push(`${s.visibility === 'public' ? 'Reply in public' : 'Reply in private'}: “${text}”`);
        break;
      }
      case 'note': {
        mutations.push({ type: 'note', args: { conversation_id: id, note_id: randomUUID(), text: s.text }, step: 'note' });
        lines.push(`Add an internal note: “${s.text}”`);
        break;
      }
      case 'tag': {
        const add = s.add.filter((t) => !now.tags.includes(t));
        const remove = s.remove.filter((t) => now.tags.includes(t));
        const tags = [...new Set([...now.tags.filter((t) => !remove.includes(t)), ...add])];
        if (tags.length > LIMITS.tagsPerConversation) return refuse('invalid', `a conversation holds at most ${LIMITS.tagsPerConversation} tags`);
        if (add.length + remove.length === 0) { lines.push(`Tags: no change (${[...s.add.map((t) => `+${t}`), ...s.remove.map((t) => `−${t}`)].join(' ')} already so)`); break; }
        now = { ...now, tags };
        mutations.push({ type: 'tag', args: { conversation_id: id, add, remove }, step: 'tags', patch: { tags } });
        lines.push(`Tags: ${[...add.map((t) => `+${t}`), ...remove.map((t) => `−${t}`)].join(' ')}`);
        break;
      }
      case 'status':
      case 'snooze': {
        const status = s.kind === 'snooze' ? 'snoozed' as const : s.status;
        const snoozed_until = s.kind === 'snooze' ? new Date(ctx.now + s.hours * 3_600_000).toISOString() : null;
        now = { ...now, status, snoozed_until };
        mutations.push({ type: 'set_status', args: { conversation_id: id, status, snoozed_until }, step: s.kind === 'snooze' ? 'snooze' : status, patch: { status, snoozed_until } });
        lines.push(s.kind === 'snooze' ? `Snooze for ${s.hours} h (until ${snoozed_until})` : `Set status: ${status}${conv.status === status ? ' (already)' : ''}`);
        break;
      }
      case 'assign': {
        const assignee = s.agent === 'me' ? ctx.me.id : s.agent;
        const team = s.team_id ?? now.team_id;
        if (assignee === null && team === null) return refuse('invalid', 'unassigning needs a team queue to return it to');
        now = { ...now, assignee_id: assignee, team_id: team };
        mutations.push({
          type: 'assign', args: { conversation_id: id, assignee_id: assignee, ...(s.team_id !== null ? { team_id: s.team_id } : {}) },
          step: assignee === null ? 'move' : 'assign', patch: { assignee_id: assignee, team_id: team },
        });
        lines.push(assignee === null
          ? `Move to the ${nameOf(ctx.teams, team, 'team')} queue (unassigned)`
          : `Assign to ${assignee === ctx.me.id ? 'me' : nameOf(ctx.agents, assignee, assignee)}${s.team_id ? ` in ${nameOf(ctx.teams, s.team_id, s.team_id)}` : ''}`);
        break;
      }
    }
  }
  return { conversation_id: id, refused: null, mutations, lines };
}
