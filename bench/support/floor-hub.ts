/**
 * One hub of `npm run bench:floor`, in a process of its own so its RSS and CPU are the hub's alone
 * (bench/realistic-floor.ts forks it with `--import tsx`). Analysis, routing and the outbound
 * dispatcher on; X deliveries signed with the bench's consumer secret; replies posted to the X
 * stand-in (TEND_X_API_BASE = the stand-in's URL). Driven over IPC:
 *   {type:'start', database, x, seed?} → {type:'started', url, engine, …; with seed: tokens, watermark, seeded}
 *     seed: the workspace 'bench', its team, `desktops` agents (AGENT_CAPACITY on X) and
 *     `messages` stored messages in bulk SQL (bench/support/seed.ts); the seeding hub is then stopped
 *     and the measured hubs start on that database without `seed`.
 *   {type:'usage'} → {type:'usage', rss_mb, cpu_ms}     this process: every thread (PGlite's too)
 *   {type:'count'} → {type:'count', inbound}            inbound messages stored in the workspace
 *   {type:'check', ids} → {type:'check', rows: [tweet id, conversation id][]}   where the tweets are stored (and how often)
 *   {type:'settle'} → {type:'settled'}                  routing has consumed the log written so far
 *   {type:'stop'} → closes the hub and exits
 */
import { startHub, type Hub } from '../../hub/hub';
import { createAgent, createTeam, createWorkspace } from '../../hub/accounts/admin';
import { createSession } from '../../hub/accounts/sessions';
import { loadConnectorConfig } from '../../hub/connectors';
import { AGENT_CAPACITY, FLOOR_WORKSPACE, type FloorHubStart } from './floor-protocol';
import { seedHistory } from './seed';

let hub: Hub | null = null;
const send = (m: Record<string, unknown>) => process.send!(m);

async function start(m: FloorHubStart) {
  hub = await startHub({
    database: m.database, routing: true, analysis: true, snoozeCheckMs: 0,
    channels: {
      ...loadConnectorConfig({ TEND_X_CONSUMER_SECRET: m.x.consumerSecret, TEND_X_BEARER_TOKEN: m.x.bearerToken, TEND_X_API_BASE: m.x.apiBase }),
      workspace: FLOOR_WORKSPACE,
    },
  });
  if (!m.seed) return send({ type: 'started', url: hub.url, engine: hub.db.kind });
  const db = hub.db;
  const t = Date.now();
  const ws = await createWorkspace(db, 'Bench', FLOOR_WORKSPACE);
  const team = await createTeam(db, ws, 'Care');
  const agents: string[] = [];
  for (let i = 0; i < m.seed.desktops; i++) {
    agents.push(await createAgent(hub.log, { workspaceId: ws, email: `a${i}@bench.tend`, name: `Agent ${i}`, password: 'bench-password', teamIds: [team], capacity: { x: AGENT_CAPACITY } }));
  }
  const conversations = Math.max(1, Math.ceil(m.seed.messages / 2));
  const seeded = await seedHistory(db, {
    workspaceId: ws, teamId: team, agentIds: agents, conversations,
    onBatch: (done) => send({ type: 'seeding', conversations: done, of: conversations, ms: Date.now() - t }),
  });
  await hub.routing!.settled();
  const tokens = await Promise.all(agents.map(async (a) => (await createSession(db, a)).token));
  send({ type: 'started', url: hub.url, engine: db.kind, tokens, watermark: await hub.log.maxSyncId(), seeded, seed_ms: Date.now() - t });
}

const inbound = async () => (await hub!.db.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM messages WHERE workspace_id = $1 AND direction = 'inbound'`, [FLOOR_WORKSPACE]))[0].n;

process.on('message', (m: { type: string; ids?: string[] } & Partial<FloorHubStart>) => {
  void (async () => {
    if (m.type === 'start') await start(m as FloorHubStart);
    else if (m.type === 'usage') {
      const c = process.cpuUsage();
      send({ type: 'usage', rss_mb: Math.round(process.memoryUsage.rss() / 1048576), cpu_ms: (c.user + c.system) / 1000 });
    } else if (m.type === 'count') send({ type: 'count', inbound: await inbound() });
    else if (m.type === 'check') {
      const rows = m.ids!.length ? await hub!.db.query<{ platform_id: string; conversation_id: string }>(
        `SELECT platform_id, conversation_id FROM messages WHERE workspace_id = $1 AND platform_id = ANY($2::text[])`, [FLOOR_WORKSPACE, m.ids]) : [];
      send({ type: 'check', rows: rows.map((r) => [r.platform_id, r.conversation_id]) });
    } else if (m.type === 'settle') {
      await hub!.routing?.settled();
      send({ type: 'settled' });
    } else if (m.type === 'stop') {
      await hub?.close();
      process.exit(0);
    }
  })().catch((err) => { console.error(err); process.exit(1); });
});
