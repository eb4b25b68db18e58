/**
 * RoutingService in shared mode (several hubs on one schema, see leader.ts), on PGlite or
 * TEST_DATABASE_URL: a follower routes nothing and takes reply checks from the leader; promoted,
 * it loads what was ingested meanwhile and consumes later commits from the changes table;
 * demoted, it drops its engines and closes its streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { RoutingService, type ReplyCheckInput } from './service';
import type { RoutingPush } from '../../shared/contract/routing';

let db: Db;
let log: ChangeLog;
let w: World;
let routing: RoutingService;
const asked: ReplyCheckInput[] = [];
const pushes: RoutingPush[] = [];
let closed = 0;

beforeAll(async () => {
  db = await openTestDb('routing_shared');
  log = new ChangeLog(db);
  w = await seedWorld(log);
  routing = new RoutingService(log, { tickMs: 50, flushDelayMs: 0, onError: (e) => { throw e; } });
  routing.shared(async (input) => {
    asked.push(input);
    return { decision: 'warn', conflicts: [{ kind: 'claimed_by_other', agent_id: w.agentB, expires_at: Date.now() + 10_000 }], confirm_token: 'tok', message: 'B is writing' };
  });
  routing.start();
  routing.subscribe({ agentId: w.agentA, workspaceId: w.ws, supervisor: false, send: (m) => pushes.push(m), close: () => { closed++; } });
});
afterAll(async () => {
  await routing?.stop();
  await db?.close();
});

const until = async (what: string, fn: () => unknown) => {
  const end = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const offerFor = (conv: string) => pushes.find((m): m is Extract<RoutingPush, { type: 'offer' }> => m.type === 'offer' && m.offer.conversation_id === conv);

describe('routing service shared by several hubs', () => {
  let waiting = '';

  it('a follower routes nothing: a new conversation waits unrouted (in no queue, on no desktop) for the leader; no engine; reply checks answered by the leader', async () => {
    expect(routing.isLeader).toBe(false);
    const ingest = new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamB, route: routing.routePost });
    const got = await ingest.ingest(post({ handle: 'early', text: 'ingested on a follower' }));
    waiting = got.conversation_id;
    await routing.settled();
    const [c] = await db.query<{ team_id: string | null; assignee_id: string | null }>('SELECT team_id, assignee_id FROM conversations WHERE id = $1', [waiting]);
    expect(c).toEqual({ team_id: null, assignee_id: null });
    expect(routing.loadedWorkspaces()).toEqual([]);
    expect(await db.query('SELECT 1 FROM routing_events')).toHaveLength(0);

    const input = { workspace_id: w.ws, conversation_id: waiting, agent_id: w.agentA, seen_up_to: 5, confirm_token: null };
    await routing.prepareReplyChecks(w.ws, w.agentA, [{ conversation_id: waiting, seen_up_to: 5, confirm_token: null }]);
    expect(asked).toEqual([input]);
    expect(routing.checkReplyCollision(input)).toMatchObject({ decision: 'warn', confirm_token: 'tok' });
    // a reply the leader was not asked about (it did not answer) goes out
    expect(routing.checkReplyCollision({ ...input, seen_up_to: 6 })).toEqual({ decision: 'send', confirmed_conflicts: [] });
    expect(routing.loadedWorkspaces()).toEqual([]);
  });

  it('promoted, it routes what waited and every later commit, read from the log', async () => {
    // A became available on another hub (only in the database so far)
    await db.query(`INSERT INTO agent_presence (agent_id, workspace_id, activity_id) VALUES ($1, $2, 'available')`, [w.agentA, w.ws]);
    await routing.promote();
    expect(routing.isLeader).toBe(true);
    expect(routing.loadedWorkspaces()).toEqual([w.ws]);
    const ws = await routing.workspace(w.ws);
    await until('the waiting conversation to be offered to A', () => offerFor(waiting));
    await routing.settled();
    // routed by the leader into the default queue: its first state any desktop sees
    expect((await db.query<{ team_id: string | null }>('SELECT team_id FROM conversations WHERE id = $1', [waiting]))[0].team_id).toBe(w.teamA);
    ws.engine.accept(waiting, w.agentA);

    // a post committed without this service's hook (another hub's ingest) is consumed from the log
    const other = await new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA }).ingest(post({ handle: 'later', text: 'from another hub' }));
    await until('an offer of the new post to A', () => offerFor(other.conversation_id));
    expect(offerFor(other.conversation_id)!.offer.agent_id).toBe(w.agentA);
    ws.engine.accept(other.conversation_id, w.agentA);
    await routing.settled();
    const [c] = await db.query<{ assignee_id: string }>('SELECT assignee_id FROM conversations WHERE id = $1', [other.conversation_id]);
    expect(c.assignee_id).toBe(w.agentA);
    // offered once, though both its commit and this service's own write of the assignment passed through the log
    expect(pushes.filter((m) => m.type === 'offer' && m.offer.conversation_id === other.conversation_id)).toHaveLength(1);
    const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM routing_events WHERE type = 'offer.created' AND conversation_id = $1`, [other.conversation_id]);
    expect(n.n).toBe(1);
  });

  it('demoted, it drops its engines and closes its streams', async () => {
    await routing.demote();
    expect(routing.isLeader).toBe(false);
    expect(routing.loadedWorkspaces()).toEqual([]);
    expect(closed).toBe(1);
    const before = pushes.length;
    await new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA }).ingest(post({ handle: 'ignored', text: 'nobody routes this here' }));
    await routing.settled();
    expect(routing.loadedWorkspaces()).toEqual([]);
    expect(pushes.length).toBe(before);
  });
});
