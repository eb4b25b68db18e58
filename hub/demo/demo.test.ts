import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { parseIbmCare, parseDuration } from '../connectors/import/ibm';
import { BootstrapPageSchema } from '../../shared/contract/hub-api';
import { DEMO_AGENTS, DEMO_PASSWORD, DEMO_TEAMS } from './demo';

describe('IBM care parser', () => {
  const raw = readFileSync(new URL('./data/ibm_twitter_care.json', import.meta.url), 'utf8');

  it('reads every conversation of the bundled file as a reply chain ending with the agent answer', () => {
    const { threads, skipped } = parseIbmCare(raw);
    expect(threads).toHaveLength(525);
    expect(skipped).toEqual([]);
    for (const t of threads) {
      t.posts.forEach((p, i) => expect(p.in_reply_to).toBe(i === 0 ? null : t.posts[i - 1].platform_id));
      expect(t.posts.at(-1)!.from_brand).toBe(true);
      expect(t.posts.every((p) => p.channel === 'x' && p.account === t.company)).toBe(true);
    }
    const first = threads[0];
    expect(first.company).toBe('TeamYouTube');
    expect(first.posts[0]).toMatchObject({ platform_id: '1245403438755852288', from_brand: false, created_at: '2020-04-01T17:31:32.000Z' });
    // the final answer has no time of its own: start + duration (01:26:55)
    expect(first.posts[1].created_at).toBe('2020-04-01T18:58:27.000Z');
  });

  it('skips unreadable entries with the reason', () => {
    const { threads, skipped } = parseIbmCare([
      { dialogHeader: { company: 'Brand' }, dialogContent: [] },
      { dialogHeader: {}, dialogContent: [{ client: 'a', datetime: '2020-01-01T00:00:00Z', message: 'x', tweet_ID: '1' }] },
      { dialogHeader: { company: 'Brand' }, dialogContent: [{ client: 'a', datetime: 'soon', message: 'x', tweet_ID: '1' }] },
      { dialogHeader: { company: 'Brand' }, dialogContent: [{ client: 'a', datetime: '2020-01-01T00:00:00Z', message: 'x', tweet_ID: '1' }] },
    ]);
    expect(threads).toHaveLength(1);
    expect(skipped.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(parseDuration('00:08:46.0')).toBe(526_000);
    expect(() => parseIbmCare({})).toThrow(/list/);
  });
});

describe('demo hub', () => {
  let db: Db;
  let hub: Hub;
  beforeAll(async () => {
    db = await openTestDb('demo');
    hub = await startHub({ database: db, routing: { tickMs: 50 }, demo: { seed: 60, replayIntervalMs: 0 } });
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
  });

  it('seeds agents with known passwords, assigned and queued conversations, and replays new posts', async () => {
    expect(hub.demo!.seeded).toBe(true);
    const ana = DEMO_AGENTS[0];
    const token = await login(hub.url, ana.email, DEMO_PASSWORD);
    const page = BootstrapPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/bootstrap?limit=5000', { token })).json);
    const mine = page.conversations.filter((c) => c.assignee_id === ana.id);
    const queued = page.conversations.filter((c) => c.assignee_id === null);
    expect(mine.length).toBeGreaterThan(0);
    expect(queued.length).toBeGreaterThan(0);
    expect(page.messages.length).toBeGreaterThan(page.conversations.length);
    expect(page.conversations.some((c) => c.status === 'resolved')).toBe(true);
    // seeded through the analyzing ingest: every conversation shows its labels and why
    expect(page.conversations.every((c) => c.analysis.sentiment && typeof c.analysis.reason === 'string' && c.analysis.intent)).toBe(true);
    const [{ n: before }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations');
    expect(await hub.demo!.replayNext()).toBeGreaterThan(0);
    const [{ n: after }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations');
    expect(after).toBe(before + 1);
  });

  it('seeds the five destinations of the care cycle, and its rules route real demo posts to each department', async () => {
    await hub.routing!.settled();
    const teams = await db.query<{ id: string; name: string; kind: string }>(`SELECT id, name, kind FROM teams WHERE workspace_id = 'demo' ORDER BY created_at, id`);
    expect(teams.map((t) => t.name)).toEqual(expect.arrayContaining(['Care', 'Product quality', 'Store operations', 'Product management', 'Loyalty']));
    const insights = await db.query<{ department_id: string; n: number }>(
      `SELECT department_id, count(*)::int AS n FROM insights WHERE workspace_id = 'demo' GROUP BY department_id`);
    const byDept = Object.fromEntries(insights.map((r) => [r.department_id, r.n]));
    for (const t of DEMO_TEAMS.filter((x) => x.kind === 'department')) expect(byDept[t.id], t.name).toBeGreaterThan(0);
  });

  it('scores its resolved history as a resolve on the hub is, so a reviewer has a sample from the start', async () => {
    const rows = await db.query<{ agent_id: string; n: number; greetings: number }>(
      `SELECT q.agent_id, count(*)::int AS n,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(q.items) i WHERE i->>'id' = 'greeting' AND i->>'result' = 'pass'))::int AS greetings
         FROM quality_scores q JOIN conversations c ON c.id = q.conversation_id
        WHERE q.workspace_id = 'demo' AND c.status = 'resolved' GROUP BY q.agent_id ORDER BY q.agent_id`);
    const [{ resolved }] = await db.query<{ resolved: number }>(`SELECT count(*)::int AS resolved FROM conversations WHERE workspace_id = 'demo' AND status = 'resolved'`);
    expect(rows.map((r) => r.agent_id)).toEqual(['agent-ana', 'agent-ben']);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(resolved);
    // real brand replies: some open with a greeting, some do not
    const greeted = rows.reduce((a, r) => a + r.greetings, 0);
    expect(greeted).toBeGreaterThan(0);
    expect(greeted).toBeLessThan(resolved);
  });
});
