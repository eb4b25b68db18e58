/**
 * SLA pauses survive a hub restart: the service persists the engine's pause state (sla_flags,
 * migration 0520) and a new service restores the same due times from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { migrate, MIGRATIONS } from '../db/migrate';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { RoutingService } from './service';

let db: Db;
let log: ChangeLog;
let w: World;
let now = Date.parse('2026-11-27T10:00:00Z');
const clock = () => now;
const HOUR = 3600_000;

beforeAll(async () => {
  db = await openTestDb('routing_sla_pause');
  await migrate(db, MIGRATIONS);
  log = new ChangeLog(db);
  w = await seedWorld(log);
});
afterAll(async () => { await db?.close(); });

const setStatus = (id: string, status: string) => log.write(async (x) => { await x.update('conversation', id, { status, updated_at: new Date(now).toISOString() }); });
const dueRow = async (id: string) => (await db.query<{ resolution_due_at: Date | null }>('SELECT resolution_due_at FROM conversations WHERE id = $1', [id]))[0].resolution_due_at;

describe('SLA pauses across a hub restart', () => {
  it('a pending conversation restored after a restart keeps its pause; after resume the due times are the same', async () => {
    const routing = new RoutingService(log, { now: clock, tickMs: 60_000, onError: (e) => { throw e; } });
    routing.start();
    await routing.workspace(w.ws);
    const ingest = new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA, route: routing.routePost });
    const got = await ingest.ingest(post({ handle: 'pia', text: 'the lid is cracked', created_at: new Date(now).toISOString() }));
    await routing.settled();
    const id = got.conversation_id;
    const ws1 = await routing.workspace(w.ws);
    const due0 = ws1.engine.conversationView(id).dues.resolution_due!;
    expect(due0).toBeGreaterThan(now);

    now += HOUR;
    await setStatus(id, 'pending');
    await routing.settled();
    expect(ws1.engine.conversationView(id)).toMatchObject({ status: 'pending', sla_paused_since: now });
    expect(await dueRow(id)).toBeNull();
    const [flags] = await db.query<{ paused_since: Date; pauses: unknown }>('SELECT paused_since, pauses FROM sla_flags WHERE conversation_id = $1', [id]);
    expect(new Date(flags.paused_since).getTime()).toBe(now);
    await routing.stop();

    // restart three hours later: still paused since the same instant
    now += 3 * HOUR;
    const r2 = new RoutingService(log, { now: clock, tickMs: 60_000, onError: (e) => { throw e; } });
    r2.start();
    const ws2 = await r2.workspace(w.ws);
    expect(ws2.engine.conversationView(id)).toMatchObject({ sla_paused_since: now - 3 * HOUR, dues: { resolution_due: null } });
    // the customer writes: open again, the clock resumes with what it had left (default policy: 24 h, always open)
    await setStatus(id, 'open');
    await r2.settled();
    const resumed = ws2.engine.conversationView(id).dues.resolution_due!;
    expect(resumed).toBe(due0 + 3 * HOUR);
    expect(new Date((await dueRow(id))!).getTime()).toBe(resumed);
    await r2.stop();

    // and a third start computes the same due time from the stored pauses
    now += HOUR;
    const r3 = new RoutingService(log, { now: clock, tickMs: 60_000, onError: (e) => { throw e; } });
    const ws3 = await r3.workspace(w.ws);
    expect(ws3.engine.conversationView(id).dues.resolution_due).toBe(resumed);
    await r3.stop();
  });
});
