/** Who may see what, from the session (no React, so commands can ask too). */
import type { SessionStatus } from '../../../shared/contract/desktop';

/** Department insights: supervisors and admins, and agents in a department team. */
export function canSeeInsights(s: Pick<SessionStatus, 'agent' | 'teams'> | undefined): boolean {
  const a = s?.agent;
  if (!a) return false;
  if (a.role !== 'agent') return true;
  return s.teams.some((t) => t.kind === 'department' && a.team_ids.includes(t.id));
}
