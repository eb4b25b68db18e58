/**
 * Handle time on the desktop (issue 10, item 6): the core counts the time the agent was active on
 * a conversation from the renderer's signs (idle cutoff 60 s), queues it as `record_handle_time`
 * spans in the outbox (offline-safe) and the hub's reports, My figures and the Floor use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { request } from './service';
import { HandleTimeTracker, type HandleSpan } from './handle-time';
import { openCache } from './db/open';
import { SyncApplier } from './sync/apply';
import { agent, conversation, customer, message } from '../../testing/desktop/fixtures';
import { startWorld, type World } from '../../testing/desktop/hub-harness';

const S = 1000;

describe('HandleTimeTracker', () => {
  function tracker(opts: { maxSpanMs?: number } = {}) {
    let now = Date.parse('2026-11-27T09:00:00Z');
    const spans: HandleSpan[] = [];
    const t = new HandleTimeTracker((s) => spans.push(s), { now: () => now, ...opts });
    return { t, spans, at: (ms: number) => { now = Date.parse('2026-11-27T09:00:00Z') + ms; } };
  }

  it('counts the time between signs up to the idle cutoff; a longer silence is an absence', () => {
    const { t, spans, at } = tracker({ maxSpanMs: 3_600_000 });
    at(0); t.report('c1', true);
    for (const s of [15, 30, 45, 60]) { at(s * S); t.report('c1', true); }
    at(360 * S); t.report('c1', true); // five minutes without a sign: not counted
    at(370 * S); t.report('c1', false);
    expect(spans).toEqual([{ conversation_id: 'c1', span_id: expect.any(String), started_at: '2026-11-27T09:00:00.000Z', ended_at: '2026-11-27T09:06:10.000Z', active_ms: 70 * S }]);
  });

  it('switching conversations ends one span and starts the next; spans under a second are not sent', () => {
    const { t, spans, at } = tracker();
    at(0); t.report('c1', true);
    at(20 * S); t.report('c2', true);
    at(20.5 * S); t.report('c3', true);
    at(30.5 * S); t.report(null, false);
    expect(spans.map((s) => [s.conversation_id, s.active_ms])).toEqual([['c1', 20 * S], ['c3', 10 * S]]);
    expect(new Set(spans.map((s) => s.span_id)).size).toBe(2);
  });

  it('a long span is sent in parts, so a crash loses at most one part', () => {
    const { t, spans, at } = tracker({ maxSpanMs: 60 * S });
    for (let s = 0; s <= 150; s += 15) { at(s * S); t.report('c1', true); }
    t.flush();
    expect(spans.map((s) => s.active_ms)).toEqual([60 * S, 60 * S, 30 * S]);
    expect(spans.reduce((n, s) => n + s.active_ms, 0)).toBe(150 * S);
  });
});

describe('the core queues handle time like any other change', () => {
  let dir: string;
  let core: LocalDesktopService;
  afterEach(async () => { await core?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('offline: the span waits in the outbox (not counted as an unsent reply) and survives a restart of the core', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tend-handle-'));
    const db = openCache(dir);
    const applier = new SyncApplier(db);
    applier.meta.set('session', { hub_url: 'http://127.0.0.1:9', token: 't' });
    applier.meta.set('agent', agent());
    applier.beginBootstrap();
    applier.applyBootstrapPage({ conversations: [conversation({ id: 'c1', customer_id: 'cu1' })], messages: [message({ id: 'm1', conversation_id: 'c1' })], notes: [], customers: [customer({ id: 'cu1' })] });
    applier.finishBootstrap(10);
    db.close();
    let now = Date.parse('2026-11-27T09:00:00Z');
    core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false }, handleTime: { now: () => now } });
    await request(core, 'activity.report', { conversation_id: 'c1', active: true });
    now += 30 * S;
    await request(core, 'activity.report', { conversation_id: 'c1', active: true });
    now += 12 * S;
    // a conversation not in the cache is not counted
    await request(core, 'activity.report', { conversation_id: 'nope', active: true });
    now += 10 * S;
    await request(core, 'activity.report', { conversation_id: null, active: false });
    const rows = core.outbox.all();
    expect(rows.map((r) => [r.type, JSON.parse(r.args)])).toEqual([['record_handle_time', {
      conversation_id: 'c1', span_id: expect.any(String), started_at: '2026-11-27T09:00:00.000Z', ended_at: '2026-11-27T09:00:42.000Z', active_ms: 42 * S,
    }]]);
    expect((await request(core, 'session.status', {})).outbox_count).toBe(0);
    // a span still running when the app closes is kept
    await request(core, 'activity.report', { conversation_id: 'c1', active: true });
    now += 5 * S;
    await request(core, 'activity.report', { conversation_id: 'c1', active: true });
    await core.close();
    core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });
    expect(core.outbox.all().map((r) => JSON.parse(r.args).active_ms)).toEqual([42 * S, 5 * S]);
  });
});

describe('against a real hub', () => {
  let world: World;
  let dir: string;
  let core: LocalDesktopService;
  beforeAll(async () => { world = await startWorld(); });
  afterAll(async () => { await core?.close(); await world?.close(); if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('a send-and-resolve handled for 42 s shows 42 s in My figures (was 0.159 s: open and assigned)', async () => {
    const t = await world.tenant();
    dir = mkdtempSync(path.join(tmpdir(), 'tend-handle-hub-'));
    let now = Date.now() - 10 * 60 * S;
    core = new LocalDesktopService({ dataDir: dir, sync: { pollMs: 3_600_000, backoffBaseMs: 50 }, handleTime: { now: () => now } });
    await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
    const p = await t.post({ handle: '@hana', text: 'my order never came' });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
    await core.engine.syncNow();
    await request(core, 'activity.report', { conversation_id: p.conversation_id, active: true });
    for (let i = 0; i < 3; i++) { now += 14 * S; await request(core, 'activity.report', { conversation_id: p.conversation_id, active: true }); }
    await request(core, 'reply.send', { conversation_id: p.conversation_id, text: 'On its way, sorry!', visibility: 'public', resolve: true });
    await request(core, 'activity.report', { conversation_id: null, active: false });
    await core.engine.syncNow();
    expect(core.outbox.all()).toEqual([]);
    // the harness's posts carry fixed dates (March 2026): a range that holds them
    const mine = await request(core, 'metrics.me', { from: '2026-01-01', to: new Date().toISOString().slice(0, 10) });
    expect((mine.total as { handle: unknown }).handle).toMatchObject({ count: 1, mean_s: 42 });
  });
});
