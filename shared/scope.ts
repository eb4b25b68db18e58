/**
 * The scope rule, once for the hub and the desktop: a conversation is in an agent's direct scope
 * when it is assigned to them, or unassigned and queued to one of their teams. An agent's whole
 * scope adds every other conversation of those conversations' customers (their history).
 * The hub also states it in SQL (hub/sync/scope.ts `directScope`) for its reads.
 */
import type { Conversation } from './domain';

/** Whose scope: an agent and their teams (a Set on the desktop, the session's list on the hub). */
export interface ScopeOwner {
  agent_id: string;
  team_ids: ReadonlySet<string> | readonly string[];
}

export function inDirectScope(c: Pick<Conversation, 'assignee_id' | 'team_id'>, owner: ScopeOwner): boolean {
  if (c.assignee_id === owner.agent_id) return true;
  if (c.assignee_id !== null || c.team_id === null) return false;
  const teams = owner.team_ids;
  return 'has' in teams ? teams.has(c.team_id) : teams.includes(c.team_id);
}
