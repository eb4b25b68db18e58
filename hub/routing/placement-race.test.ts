/**
 * Routing never undoes a person's newer owner change (issue 10, "nothing lost, nothing twice").
 *
 * A new conversation is stored, routing places it (its engine decides the queue, the write of that
 * placement follows) and a person assigns it, or moves it to another team, in between. Routing's write
 * is a compare-and-set on the version of the row it decided from: the person's change stands, and the
 * change log never shows it undone for a moment (it did: assignee null → A → null → A, and A's reply
 * landed in the gap, where a supervisor's claim held it back).
 *
 * The order is forced, not hoped for: routing's write of the placement is held at the change log
 * until the person's change has committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import type { ChangeLog } from '../sync/changelog';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';

let db: Db;
let hub: Hub;
let w: World;

beforeAll(async () => {
  db = await openTestDb('placement_race');
  hub = await startHub({ database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0 });
  w = await seedWorld(hub.log);
  await hub.routing!.workspace(w.ws);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

/**
 * Holds routing's next write of engine output (RoutingService.flushLoop) at the change log until
 * `release()`; every other write goes through. `reached` resolves when routing asked to write.
 */
function holdRoutingWrite(log: ChangeLog) {
  const own = log as { write: ChangeLog['write'] };
  const original = log.write.bind(log) as ChangeLog['write'];
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let reachedNow!: () => void;
  const reached = new Promise<void>((r) => { reachedNow = r; });
  own.write = ((fn) => {
    if (!new Error().stack?.includes('flushLoop')) return original(fn);
    delete (own as { write?: unknown }).write; // only this one write is held
    reachedNow();
    return released.then(() => original(fn));
  }) as ChangeLog['write'];
  return { reached, release };
}

/** Assignee and team of every change of a conversation, oldest first. */
async function owners(conversationId: string) {
  return db.query<{ sync_id: number; assignee_id: string | null; team_id: string | null }>(
    `SELECT sync_id, data->>'assignee_id' AS assignee_id, data->>'team_id' AS team_id FROM changes
      WHERE entity = 'conversation' AND entity_id = $1 ORDER BY sync_id`, [conversationId]);
}

/** A new conversation, with routing's write of its placement held until `between` has run. */
async function newConversationWith(handle: string, between: (conversationId: string) => Promise<number>) {
  await hub.routing!.settled();
  const hold = holdRoutingWrite(hub.log);
  const got = await hub.ingestor(w.ws).ingest(post({ handle, text: 'my parcel never arrived' }));
  await hold.reached; // routing placed it in its engine and is about to write that placement
  const personAt = await between(got.conversation_id);
  hold.release();
  await hub.routing!.settled();
  const log = await owners(got.conversation_id);
  return { id: got.conversation_id, before: log.filter((c) => c.sync_id < personAt), after: log.filter((c) => c.sync_id >= personAt) };
}

describe("routing's placement of a new conversation never undoes a person's owner change", () => {
  it('assigned to A before routing wrote where it goes: it stays with A, in the log, the row and the engine', async () => {
    const c = await newConversationWith('race-assign', async (id) => {
      await hub.log.write((wr) => wr.update('conversation', id, { assignee_id: w.agentA }));
      return hub.log.maxSyncId();
    });
    expect(c.before.map((x) => x.assignee_id)).toEqual([null]);
    // every change from the assignment on keeps A (before the fix: A, then null, then A again)
    expect(c.after.length).toBeGreaterThan(0);
    expect(c.after.map((x) => x.assignee_id)).toEqual(c.after.map(() => w.agentA));
    const [row] = await db.query<{ assignee_id: string | null }>('SELECT assignee_id FROM conversations WHERE id = $1', [c.id]);
    expect(row.assignee_id).toBe(w.agentA);
    const routing = await hub.routing!.workspace(w.ws);
    expect(routing.engine.conversationView(c.id).assignee_id).toBe(w.agentA);
    expect(routing.known.get(c.id)?.assignee).toBe(w.agentA);
  });

  it("moved to team B's queue before routing wrote its placement in team A's: it stays in team B's", async () => {
    const c = await newConversationWith('race-transfer', async (id) => {
      await hub.log.write((wr) => wr.update('conversation', id, { team_id: w.teamB }));
      return hub.log.maxSyncId();
    });
    expect(c.before.map((x) => x.team_id)).toEqual([w.teamA]);
    expect(c.after.length).toBeGreaterThan(0);
    expect(c.after.map((x) => [x.assignee_id, x.team_id])).toEqual(c.after.map(() => [null, w.teamB]));
    const [row] = await db.query<{ team_id: string | null }>('SELECT team_id FROM conversations WHERE id = $1', [c.id]);
    expect(row.team_id).toBe(w.teamB);
  });

  it('a change that moves no owner (a new message) is written over, once it is consumed: routing still places the conversation', async () => {
    // the placement's own fields (due times) land on top of the newer version, nothing is lost
    const c = await newConversationWith('race-other', async (id) => {
      await hub.log.write((wr) => wr.update('conversation', id, { snippet: 'a later word' }));
      return hub.log.maxSyncId();
    });
    expect(c.after.map((x) => [x.assignee_id, x.team_id])).toEqual(c.after.map(() => [null, w.teamA]));
    const routing = await hub.routing!.workspace(w.ws);
    expect(routing.engine.conversationView(c.id)).toMatchObject({ assignee_id: null, team_id: w.teamA });
    expect(routing.known.get(c.id)?.syncId).toBe(c.after[c.after.length - 1].sync_id);
  });
});
