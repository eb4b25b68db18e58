/**
 * Live spike alerts (issue 15): a real hub on durable storage (a PGlite data dir, or a schema on
 * TEST_DATABASE_URL's server). History is stored first; the hub warms up from it at start; a burst
 * through the hub's ingest raises an alert; the alert, its state and its acknowledgement survive a
 * restart; only supervisors and admins see and acknowledge alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub, type StartHubOptions } from '../hub';
import { HubIngestor } from '../conversations/ingest';
import { durableTestStorage } from '../../testing/hub/testdb';
import { PASSWORD, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { createAgent, createTeam, createWorkspace } from '../accounts/admin';
import { call, login } from '../../testing/hub/client';
import { SpikeAlertsResponseSchema, SpikeAcknowledgeResponseSchema, type SpikeAlertView } from '../../shared/contract/spikes';
import { FloorSchema } from '../../shared/contract/supervisor';

const { storage, drop: dropStorage } = durableTestStorage('spikes_live');
const HOUR = 3_600_000;
// a fixed clock (the middle of an interval), so the burst's posts fall in one 15-minute interval
const T0 = Math.floor(Date.now() / (15 * 60_000)) * 15 * 60_000 + 7 * 60_000;
let clock = T0;
const options = (): StartHubOptions => ({
  ...storage, analysis: false, channels: false, outbound: { dispatcher: false }, snoozeCheckMs: 0, spikes: { now: () => clock, sweepMs: 0 },
});

let hub: Hub;
let w: World;
let boss: string;
let agent: string;

async function restart(): Promise<void> {
  await hub.close();
  hub = await startHub(options());
  await hub.spikes!.ready(w.ws);
  boss = await login(hub.url, w.emails.supervisor);
  agent = await login(hub.url, w.emails.a);
}

const alerts = async (state = 'all'): Promise<SpikeAlertView[]> => {
  const r = await call(hub.url, 'GET', `/v1/spikes/alerts?state=${state}`, { token: boss });
  expect(r.status).toBe(200);
  return SpikeAlertsResponseSchema.parse(r.json).alerts;
};

/** `n` customers' posts through the hub's own ingest (its hooks), at `at`. */
async function burst(n: number, at: number, text = (i: number) => `the app crashes at login again, attempt ${i}`) {
  const ing = hub.ingestor(w.ws);
  await ing.ingestMany(Array.from({ length: n }, (_, i) => post({ handle: `burst${i}-${at}`, text: text(i), created_at: new Date(at).toISOString() })));
  await hub.spikes!.ready(w.ws);
}

beforeAll(async () => {
  await dropStorage();
  hub = await startHub(options());
  w = await seedWorld(hub.log);
  // three days of normal history, two posts an hour, stored without the hub's hooks (as an import would)
  const quiet = new HubIngestor(hub.log, { workspaceId: w.ws, defaultTeamId: w.teamA });
  const history = [];
  for (let t = T0 - 72 * HOUR; t < T0 - HOUR; t += 30 * 60_000) {
    history.push(post({ handle: `h${t}`, text: `where is my parcel number ${t % 997}, it was due yesterday`, created_at: new Date(t).toISOString() }));
  }
  await quiet.ingestMany(history);
  await restart();
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await dropStorage();
});

describe('live spike alerts', () => {
  it('warms up from the stored history at start: a burst far above the learned volume raises one alert, on the floor too', async () => {
    expect(await alerts()).toEqual([]);
    await burst(20, T0);
    const list = await alerts();
    expect(list).toHaveLength(1);
    const a = list[0];
    // the brand's single channel is the same spike as the whole workspace: one alert, the narrower keys covered
    expect(a).toMatchObject({ key: 'all', state: 'raised', severity: 'high', observed: 20, acknowledged: null, ended_at: null });
    expect(a.expected).toBeCloseTo(0.5, 1);
    expect(a.covers).toContain('channel:x');
    expect(a.terms.map((t) => t.term)).toEqual(expect.arrayContaining(['app', 'crash', 'login']));
    expect(a.examples).toHaveLength(3);
    expect(a.examples[0]).toMatchObject({ text: expect.stringContaining('crashes'), conversation_id: expect.any(String) });
    const floor = FloorSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: boss })).json);
    expect(floor.alerts.map((x) => x.id)).toEqual([a.id]);
  });

  it('is for supervisors and admins: an agent gets 403 and acknowledges nothing; an unknown alert is 404', async () => {
    const [a] = await alerts();
    expect((await call(hub.url, 'GET', '/v1/spikes/alerts', { token: agent })).status).toBe(403);
    expect((await call(hub.url, 'POST', `/v1/spikes/alerts/${a.id}/acknowledge`, { token: agent })).status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/spikes/alerts')).status).toBe(401);
    expect((await call(hub.url, 'POST', '/v1/spikes/alerts/nope/acknowledge', { token: boss })).status).toBe(404);
    expect((await call(hub.url, 'GET', '/v1/spikes/alerts?state=nonsense', { token: boss })).status).toBe(400);
    expect((await alerts())[0].acknowledged).toBeNull();
  });

  it('keeps the alert, its state and its acknowledgement across a restart, and goes on with the same alert', async () => {
    const [a] = await alerts();
    const ack = await call(hub.url, 'POST', `/v1/spikes/alerts/${a.id}/acknowledge`, { token: boss });
    expect(ack.status).toBe(200);
    const acked = SpikeAcknowledgeResponseSchema.parse(ack.json).alert;
    expect(acked.acknowledged).toMatchObject({ by_id: w.supervisor, by_name: 'Boss' });
    // acknowledging again keeps the first acknowledgement
    const again = SpikeAcknowledgeResponseSchema.parse((await call(hub.url, 'POST', `/v1/spikes/alerts/${a.id}/acknowledge`, { token: boss })).json).alert;
    expect(again.acknowledged).toEqual(acked.acknowledged);

    await restart();
    expect(await alerts()).toEqual([acked]);
    // the burst goes on in the next interval after the restart: the same alert, now ongoing
    clock = T0 + 15 * 60_000;
    await burst(40, clock);
    const after = await alerts();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: a.id, state: 'ongoing', lasted_min: 30, observed: 40, acknowledged: acked.acknowledged });
  });

  it('ends an alert whose burst passed while the hub was down', async () => {
    await hub.close();
    clock = T0 + 3 * HOUR;
    hub = await startHub(options());
    await hub.spikes!.ready(w.ws);
    boss = await login(hub.url, w.emails.supervisor);
    const [a] = await alerts();
    expect(a).toMatchObject({ state: 'ended', ended_at: new Date(Math.floor((T0 + 15 * 60_000) / (15 * 60_000)) * 15 * 60_000 + 15 * 60_000).toISOString() });
    expect(await alerts('open')).toEqual([]);
  });

  it('learns the volume from history: the same burst where it is normal raises nothing', async () => {
    // a workspace whose normal is 24 posts an hour (six per interval): twenty in an interval is a bit over three times that, no spike
    const busy = { ws: await createWorkspace(hub.db, 'Busy workspace') };
    const team = await createTeam(hub.db, busy.ws, 'Care');
    await createAgent(hub.log, { workspaceId: busy.ws, email: 'busy-boss@test.tend', name: 'Busy boss', password: PASSWORD, role: 'supervisor', teamIds: [team] });
    // one customer's thread holds the history (the warm-up counts stored inbound posts): written in one statement, 600 posts
    const first = await new HubIngestor(hub.log, { workspaceId: busy.ws, defaultTeamId: team }).ingest(post({ handle: 'regular', text: 'the app crashes at login', created_at: new Date(clock - 26 * HOUR).toISOString() }));
    await hub.db.query(
      `INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, author_id, text, delivery, created_at)
       SELECT 'hist-' || n, $1, $2, 'x', 'inbound', 'public', 'regular', 'the app crashes at login', 'received', $3::timestamptz + n * interval '150 seconds'
         FROM generate_series(1, 599) AS n`, [busy.ws, first.conversation_id, new Date(clock - 26 * HOUR).toISOString()]);
    await hub.close();
    hub = await startHub(options());
    await hub.spikes!.ready(busy.ws);
    const bossB = await login(hub.url, 'busy-boss@test.tend');
    const ing = hub.ingestor(busy.ws);
    await ing.ingestMany(Array.from({ length: 20 }, (_, i) => post({ handle: `x${i}`, text: 'the app crashes at login', created_at: new Date(clock).toISOString() })));
    await hub.spikes!.ready(busy.ws);
    const r = await call(hub.url, 'GET', '/v1/spikes/alerts?state=all', { token: bossB });
    expect(SpikeAlertsResponseSchema.parse(r.json).alerts).toEqual([]);
  });
});
