import { PRIORITY_RANK, type Conversation } from '../../../shared/domain';
import { inDirectScope, type ScopeOwner } from '../../../shared/scope';

export type { ScopeOwner } from '../../../shared/scope';

/** Inbox tab a conversation belongs to for this agent; 'history' = only kept as customer history. */
export type Tab = 'mine' | 'team' | 'snoozed' | 'resolved' | 'history';

export function tabOf(c: Pick<Conversation, 'assignee_id' | 'team_id' | 'status'>, owner: ScopeOwner): Tab {
  // the scope rule is shared/scope.ts; the cache also keeps the customers' other conversations (history)
  if (!inDirectScope(c, owner)) return 'history';
  if (c.status === 'resolved') return 'resolved';
  if (c.status === 'snoozed') return 'snoozed';
  return c.assignee_id === owner.agent_id ? 'mine' : 'team';
}

export const priorityRank = (p: Conversation['priority']): number => PRIORITY_RANK[p];
/** Every rank a conversation can have, highest first. */
export const PRIORITY_RANKS: readonly number[] = Object.values(PRIORITY_RANK).sort((a, b) => b - a);

/** Already in the form toISOString() gives (the hub's usual form): compared as is, no Date round trip. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Earliest SLA due time still running; '9999' (sorts last) when none. */
export function slaKey(c: Conversation): string {
  const dues = [c.first_response_at === null ? c.first_response_due_at : null, c.next_response_due_at, c.resolution_due_at]
    .filter((d): d is string => d !== null)
    .map((d) => (CANONICAL_ISO.test(d) ? d : new Date(d).toISOString()));
  return dues.length ? dues.sort()[0] : '9999';
}
