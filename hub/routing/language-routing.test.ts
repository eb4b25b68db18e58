/**
 * Routing by language skill (issue 14): the analysis identifies the language of a short post
 * (fastText), routing asks the agent for `language:<code>`; a post whose language is undetermined
 * (`und`: no words, only tags and emoji) asks for no language skill, so it is never stuck waiting
 * for a speaker of a language nobody can name. Through the rules editor's try-it route, which
 * analyses and routes a post exactly as ingest does, without storing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { loadLanguageModel } from '../analysis/language';
import { call, login } from '../../testing/hub/client';
import { seedWorld, type World } from '../../testing/hub/fixtures';
import { openTestDb } from '../../testing/hub/testdb';
import { waitUntil } from '../../testing/hub/wait';

let db: Db;
let hub: Hub;
let w: World;
let boss: string;

beforeAll(async () => {
  await loadLanguageModel(); // the hub loads it in the background; rules alone answer until then
  db = await openTestDb('language_routing');
  hub = await startHub({ database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false }, channels: false });
  w = await seedWorld(hub.log);
  boss = await login(hub.url, w.emails.supervisor);
  // Agent A speaks Spanish, Agent B English; both work Team A's queue (the default queue matches on language)
  for (const [id, languages] of [[w.agentA, { es: 5 }], [w.agentB, { en: 5 }]] as const) {
    const r = await call(hub.url, 'PUT', `/v1/admin/agents/${id}`, { token: boss, body: { team_ids: [w.teamA], languages } });
    expect(r.status, r.text).toBe(200);
  }
  // Team A's queue asks for the post's language (a queue's `match`)
  const cfg = (await call(hub.url, 'GET', '/v1/routing/config', { token: boss })).json as { config: { queues: Array<{ id: string; match: string[] }> } };
  for (const q of cfg.config.queues) if (q.id === `q-${w.teamA}`) q.match = ['language'];
  const saved = await call(hub.url, 'PUT', '/v1/routing/config', { token: boss, body: cfg.config });
  expect(saved.status, saved.text).toBe(200);
  // routing reloads the teams after the change, off the request
  await waitUntil(hub, async () => {
    const r = await call(hub.url, 'POST', '/v1/routing/rules/try', { token: boss, body: { text: 'hello', channel: 'x' } });
    const ids = (r.json as { agents?: Array<{ agent_id: string }> }).agents?.map((a) => a.agent_id) ?? [];
    return ids.includes(w.agentA) && ids.includes(w.agentB);
  });
});
afterAll(async () => { await hub?.close(); await db?.close(); });

async function route(text: string) {
  const r = await call(hub.url, 'POST', '/v1/routing/rules/try', { token: boss, body: { text, channel: 'x' } });
  expect(r.status, r.text).toBe(200);
  const json = r.json as { analysis: { language: string | null }; team_id: string; agents: Array<{ agent_id: string; why_not: string[] }> };
  const lacks = (agent: string) => json.agents.find((a) => a.agent_id === agent)?.why_not.filter((x) => x.startsWith('lacks skill language:')) ?? [];
  return { language: json.analysis.language, team: json.team_id, a: lacks(w.agentA), b: lacks(w.agentB) };
}

describe('routing by language skill', () => {
  it('a short Spanish post asks for language:es, a short English one for language:en', async () => {
    expect(await route('mi pedido no ha llegado')).toEqual({ language: 'es', team: w.teamA, a: [], b: ['lacks skill language:es'] });
    expect(await route('where is my parcel?')).toEqual({ language: 'en', team: w.teamA, a: ['lacks skill language:en'], b: [] });
  });

  it('a post whose language is undetermined asks for no language skill: anyone in the queue may take it', async () => {
    const r = await route('👍👍 #A-99321');
    expect(r).toEqual({ language: null, team: w.teamA, a: [], b: [] });
  });
});
