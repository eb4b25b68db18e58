/** A small workspace for tests: two teams, agents A and B (and a supervisor), customers, conversations. */
import { randomUUID } from 'node:crypto';
import type { ChangeLog } from '../../hub/sync/changelog';
import { createAgent, createTeam, createWorkspace } from '../../hub/accounts/admin';
import { HubIngestor } from '../../hub/conversations/ingest';
import type { NormalizedPost } from '../../hub/connectors/types';

export const PASSWORD = 'correct horse';

export interface World {
  ws: string;
  teamA: string;
  teamB: string;
  agentA: string;
  agentB: string;
  supervisor: string;
  ingestor: HubIngestor;
  emails: { a: string; b: string; supervisor: string };
}

export async function seedWorld(log: ChangeLog): Promise<World> {
  const ws = await createWorkspace(log.db, 'Test workspace');
  const teamA = await createTeam(log.db, ws, 'Team A');
  const teamB = await createTeam(log.db, ws, 'Team B');
  const emails = { a: 'a@test.tend', b: 'b@test.tend', supervisor: 'boss@test.tend' };
  const agentA = await createAgent(log, { workspaceId: ws, email: emails.a, name: 'Agent A', password: PASSWORD, teamIds: [teamA] });
  const agentB = await createAgent(log, { workspaceId: ws, email: emails.b, name: 'Agent B', password: PASSWORD, teamIds: [teamB] });
  const supervisor = await createAgent(log, { workspaceId: ws, email: emails.supervisor, name: 'Boss', password: PASSWORD, role: 'supervisor', teamIds: [teamA, teamB] });
  const ingestor = new HubIngestor(log, { workspaceId: ws, defaultTeamId: teamA });
  return { ws, teamA, teamB, agentA, agentB, supervisor, ingestor, emails };
}

let seq = 0;
export function post(over: Partial<NormalizedPost> & { handle?: string } = {}): NormalizedPost {
  const handle = over.handle ?? 'customer1';
  const { handle: _h, ...rest } = over;
  return {
    channel: 'x', account: 'brand', platform_id: `p${++seq}-${randomUUID().slice(0, 8)}`,
    author: { platform_user_id: null, handle, name: handle, followers: 10, verified: false },
    text: `hello from ${handle}`, visibility: 'public', in_reply_to: null,
    created_at: new Date(Date.now() - 60_000).toISOString(), permalink: null, from_brand: false,
    ...rest,
  };
}

/** Ingests a new conversation and gives it to `assignee` (or leaves it in `team`'s queue). */
export async function conversation(log: ChangeLog, w: World, opts: { handle?: string; assignee?: string | null; team?: string } = {}) {
  // an ingestor on this log (the world's own may belong to a hub that was restarted)
  const r = await new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA }).ingest(post({ handle: opts.handle }));
  await log.write(async (wr) => {
    await wr.update('conversation', r.conversation_id, { assignee_id: opts.assignee ?? null, team_id: opts.team ?? w.teamA });
  });
  const [c] = await log.db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [r.conversation_id]);
  return { id: r.conversation_id, message_id: r.message_id, customer_id: c.customer_id };
}
