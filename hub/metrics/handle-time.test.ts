/**
 * Handle time means something (issue 10, item 6): it is the time agents had the conversation open
 * and active on their desktops, recorded there as `record_handle_time` spans, summed across agents,
 * sessions and desktops, and used by reports, My figures and the Floor's agent rows. Before, it was
 * the time a conversation sat open and assigned (0.159 s for a send-and-resolve).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, writeCounts } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';

let db: Db;
let hub: Hub;
let w: World;

beforeAll(async () => {
  db = await openTestDb('metrics_handle_time');
  hub = await startHub({ database: db, analysis: false, channels: false, outbound: { dispatcher: false }, snoozeCheckMs: 0 });
  w = await seedWorld(hub.log);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const iso = (ms: number) => new Date(ms).toISOString();
const span = (conversationId: string, startedAt: number, activeMs: number, durationMs = activeMs + 5_000) => ({
  id: randomUUID(), type: 'record_handle_time',
  args: { conversation_id: conversationId, span_id: randomUUID(), started_at: iso(startedAt), ended_at: iso(startedAt + durationMs), active_ms: activeMs },
});

describe('handle time', () => {
  it('a send-and-resolve handled for a minute on two desktops reports a minute and a half, in reports, My figures and the Floor', async () => {
    const now = Date.now();
    const { conversation_id: id } = await hub.ingestor(w.ws).ingest(post({ handle: 'hana', text: 'my order never came', created_at: iso(now) }));
    const tokA = await login(hub.url, w.emails.a);
    const tokB = await login(hub.url, w.emails.b);
    const boss = await login(hub.url, w.emails.supervisor);
    // agent A opens it, reads and types for 42 s, sends and resolves; the span is sent when A leaves it
    const reading = span(id, now, 42_000);
    const r = await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: id, message_id: randomUUID(), text: 'On its way, sorry!', visibility: 'public' } },
      { id: randomUUID(), type: 'set_status', args: { conversation_id: id, status: 'resolved' } },
      reading,
    ] } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.results.every((x: { ok: boolean }) => x.ok)).toBe(true);
    // A's second desktop (18 s) and agent B, who looked at it first (30 s), from another session
    const other = await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [span(id, now - 2_000, 18_000)] } });
    expect(other.status).toBe(200);
    const byB = await call(hub.url, 'POST', '/v1/mutations', { token: tokB, body: { mutations: [span(id, now - 5_000, 30_000)] } });
    expect(byB.status).toBe(200);
    // sent again (a desktop that did not hear the answer): counted once, by mutation id and by span id
    expect((await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [reading] } })).status).toBe(200);
    expect((await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [{ ...reading, id: randomUUID() }] } })).status).toBe(200);
    // reading it again after the resolve is not handling it
    expect((await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [span(id, Date.now() + 60_000, 9_000)] } })).status).toBe(200);

    const from = iso(now - 86_400_000), to = iso(now + 86_400_000);
    const report = await call(hub.url, 'GET', `/v1/metrics/report?from=${from}&to=${to}&by=agent`, { token: boss });
    expect(report.status, report.text).toBe(200);
    expect(report.json.total.handle).toEqual({ count: 1, mean_s: 90, median_s: 90, p90_s: 90 });
    const mine = await call(hub.url, 'GET', `/v1/metrics/me?from=${from}&to=${to}`, { token: tokA });
    expect(mine.json.total.handle.mean_s).toBe(90);
    const floor = await call(hub.url, 'GET', '/v1/supervisor/floor', { token: boss });
    expect(floor.json.agents.find((a: { id: string }) => a.id === w.agentA).handle_time_s).toBe(90);
  });

  it('a span that cannot be true is refused whole and writes nothing', async () => {
    const { conversation_id: id } = await hub.ingestor(w.ws).ingest(post({ handle: 'ivo', text: 'hello', created_at: iso(Date.now()) }));
    const tokA = await login(hub.url, w.emails.a);
    const before = await writeCounts(db);
    const bad = [
      span(id, Date.now(), 60_000, 10_000), // more active time than the span lasted
      { ...span(id, Date.now(), 1_000), args: { ...span(id, Date.now(), 1_000).args, ended_at: iso(Date.now() - 60_000) } }, // ends before it starts
      span(id, Date.now() + 3_600_000, 1_000), // in the future
      span(id, Date.now() - 20 * 3_600_000, 13 * 3_600_000, 13 * 3_600_000), // longer than a working day
    ];
    for (const m of bad) {
      const r = await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [m] } });
      expect(r.status, JSON.stringify(m.args)).toBe(400);
    }
    expect(await writeCounts(db)).toEqual(before);
    expect((await db.query('SELECT 1 FROM handle_time WHERE conversation_id = $1', [id])).length).toBe(0);
  });
});
