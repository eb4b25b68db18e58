/**
 * npm run bench:metrics — the care report over 1,000,000 messages (target < 1 s, issue 17), printed as JSON lines
 * with the process's CPU time (PGlite's worker thread included) and the load average.
 *  1. in memory: computeReport over 100,000 conversations / 1,000,000 messages, 24/7 and business hours,
 *     total and grouped by agent;
 *  2. over PGlite: the same volume written by SQL (and a handle-time span per assigned conversation), then reportFromDb (load + compute) for the whole
 *     range, and for one day (what a live dashboard refresh asks for after an event).
 * Options: --conversations N (default 100000), --messages-per N (default 10), --skip-sql,
 *          --database-url postgres://… (or BENCH_DATABASE_URL): also run the SQL part on that server,
 *          in a schema of its own that is dropped afterwards.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { openDb } from '../hub/db/db';
import { migrate } from '../hub/db/migrate';
import { BusinessCalendar, type Calendar } from '../hub/routing/calendar';
import { withMetricsMigration } from '../hub/metrics/cli';
import { computeReport } from '../hub/metrics/report';
import { reportFromDb, updateMetricsSettings } from '../hub/metrics/store';
import type { ConversationEvent, InsightRecord, MetricConversation, MetricMessage, SurveyRecord } from '../hub/metrics/types';
import type { Channel, Priority } from '../shared/domain';

const { values } = parseArgs({
  options: { conversations: { type: 'string' }, 'messages-per': { type: 'string' }, 'skip-sql': { type: 'boolean' }, 'database-url': { type: 'string' } },
});
const N = Number(values.conversations ?? 100_000);
const PER = Number(values['messages-per'] ?? 10);
const FROM = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 180 * 86_400_000;
const TO = FROM + SPAN;
let peakRss = 0;
const sampleRss = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
const line = (o: Record<string, unknown>) => { sampleRss(); console.log(JSON.stringify({ bench: 'metrics', ...o, load_avg: loadavg().map((x) => Math.round(x * 100) / 100) })); };

// Deterministic PRNG (mulberry32) so runs compare.
let seed = 20261127;
const rnd = () => {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const CHANNELS: Channel[] = ['x', 'x', 'x', 'facebook', 'instagram', 'email'];
const PRIORITIES: Priority[] = ['low', 'normal', 'normal', 'high', 'urgent'];
const calendar: Calendar = {
  id: 'business-hours',
  time_zone: 'Europe/Warsaw',
  hours: { mon: [['08:00', '20:00']], tue: [['08:00', '20:00']], wed: [['08:00', '20:00']], thu: [['08:00', '20:00']], fri: [['08:00', '20:00']], sat: [['10:00', '14:00']] },
  holidays: ['2026-01-01', '2026-01-06', '2026-04-06', '2026-05-01'],
};
const sla = {
  normal: { first_response_s: 3600, next_response_s: 7200, resolution_s: 86_400 },
  high: { first_response_s: 900, next_response_s: 1800, resolution_s: 28_800 },
  urgent: { first_response_s: 300, next_response_s: 900, resolution_s: 14_400 },
};

function generate(): { conversations: MetricConversation[]; surveys: SurveyRecord[]; insights: InsightRecord[]; messages: number } {
  const conversations: MetricConversation[] = [];
  const surveys: SurveyRecord[] = [];
  const insights: InsightRecord[] = [];
  let messages = 0;
  for (let i = 0; i < N; i++) {
    const created = FROM + Math.floor(rnd() * (SPAN - 10 * 86_400_000));
    const agent = rnd() < 0.9 ? `agent-${Math.floor(rnd() * 200)}` : null;
    const msgs: MetricMessage[] = [];
    let t = created;
    for (let k = 0; k < PER; k++) {
      const inbound = k % 2 === 0 || rnd() < 0.2;
      msgs.push({ at: t, direction: inbound ? 'inbound' : 'outbound', failed: !inbound && rnd() < 0.01, sentiment: inbound ? rnd() * 2 - 1 : null });
      t += Math.floor(rnd() * 3 * 3_600_000);
    }
    messages += msgs.length;
    const events: ConversationEvent[] = [{ at: created, type: 'status', status: 'open' }, { at: created, type: 'assign', agent_id: agent }];
    const resolved = rnd() < 0.8;
    if (resolved) {
      events.push({ at: t, type: 'status', status: 'resolved' });
      if (rnd() < 0.1) {
        events.push({ at: t + 3_600_000, type: 'status', status: 'open' }, { at: t + 7_200_000, type: 'status', status: 'resolved' });
        t += 7_200_000;
      }
      surveys.push({ conversation_id: `c${i}`, kind: 'csat', asked_at: t, answered_at: rnd() < 0.3 ? t + 600_000 : null, score: null });
      const last = surveys[surveys.length - 1];
      if (last.answered_at !== null) last.score = 1 + Math.floor(rnd() * 5);
    }
    conversations.push({
      id: `c${i}`, channel: CHANNELS[i % CHANNELS.length], account_id: 'acct', assignee_id: agent, team_id: `team-${i % 8}`,
      priority: PRIORITIES[i % PRIORITIES.length], intent: `intent-${i % 8}`, topic: `topic-${i % 12}`, tags: rnd() < 0.05 ? ['moved-to-phone'] : [],
      created_at: created, messages: msgs, events, status: resolved ? 'resolved' : 'open', resolved_at: resolved ? t : null,
      first_response_due_at: null, resolution_due_at: null,
    });
    if (i % 50 === 0) insights.push({ id: `i${i}`, department_id: `dept-${i % 4}`, conversation_id: `c${i}`, created_at: created, closed_at: rnd() < 0.7 ? created + 86_400_000 : null });
  }
  return { conversations, surveys, insights, messages };
}

// CPU of the whole process, PGlite's worker thread included
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const round1 = (x: number) => Math.round(x * 10) / 10;
function time<T>(fn: () => T): { ms: number; cpu_ms: number; value: T } {
  const t0 = performance.now(), c0 = cpuMs();
  const value = fn();
  return { ms: round1(performance.now() - t0), cpu_ms: round1(cpuMs() - c0), value };
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; cpu_ms: number; value: T }> {
  const t0 = performance.now(), c0 = cpuMs();
  const value = await fn();
  return { ms: round1(performance.now() - t0), cpu_ms: round1(cpuMs() - c0), value };
}

async function main(): Promise<void> {
  const gen = time(generate);
  line({ case: 'generate', conversations: N, messages: gen.value.messages, ms: gen.ms });
  const input = gen.value;
  const clock = new BusinessCalendar(calendar);
  const asOf = TO;
  for (const [name, opts] of [
    ['memory-report-247', { from: FROM, to: TO, asOf, sla }],
    ['memory-report-business-hours', { from: FROM, to: TO, asOf, sla, clock }],
    ['memory-report-business-hours-by-agent', { from: FROM, to: TO, asOf, sla, clock, by: 'agent' as const }],
  ] as const) {
    computeReport(input, opts); // warm-up (JIT, calendar materialised)
    const runs: number[] = [];
    const cpu: number[] = [];
    let frt = 0;
    for (let r = 0; r < 3; r++) {
      const { ms, cpu_ms, value } = time(() => computeReport(input, opts));
      runs.push(ms); cpu.push(cpu_ms);
      frt = value.total.first_response.count;
    }
    line({ case: name, conversations: N, messages: input.messages, ms_best: Math.min(...runs), ms_runs: runs, cpu_ms_runs: cpu, first_responses: frt, target_ms: 1000 });
  }

  if (!values['skip-sql']) {
    await sqlBench('pglite', null);
    const url = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
    if (url) await sqlBench('postgres', url);
  }
  line({ case: 'peak', rss_mb: Math.round(peakRss / 1e6) });
}

async function sqlBench(engine: 'pglite' | 'postgres', url: string | null): Promise<void> {
  const SCHEMA = 'bench_metrics';
  const dropSchema = async () => {
    const admin = await openDb({ url: url as string, poolSize: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.close();
  };
  if (url) await dropSchema();
  const db = url ? await openDb({ url, schema: SCHEMA, poolSize: 2 }) : await openDb({ memory: true });
  const asOf = TO;
  try {
    await migrate(db, withMetricsMigration());
    await db.exec(`
      INSERT INTO workspaces (id, name) VALUES ('w', 'bench');
      INSERT INTO customers (id, workspace_id, name) VALUES ('cu', 'w', 'c');
      INSERT INTO teams (id, workspace_id, name, kind) SELECT 'team-' || g, 'w', 'Team ' || g, 'support' FROM generate_series(0, 7) g;
      INSERT INTO agents (id, workspace_id, email, name, role, password_hash) SELECT 'agent-' || g, 'w', g || '@b', 'A' || g, 'agent', '-' FROM generate_series(0, 199) g;`);
    await updateMetricsSettings(db, 'w', { calendar, sla });
    // Written by SQL (the report is what is measured, not the load).
    const load = await timeAsync(async () => {
      await db.query(`
        INSERT INTO conversations (id, workspace_id, channel, customer_id, priority, assignee_id, team_id, analysis, created_at, updated_at, last_inbound_at)
        SELECT 'c' || g, 'w', (ARRAY['x','x','x','facebook','instagram','email'])[1 + g % 6], 'cu',
               (ARRAY['low','normal','normal','high','urgent'])[1 + g % 5],
               CASE WHEN g % 10 = 0 THEN NULL ELSE 'agent-' || (g % 200) END, 'team-' || (g % 8),
               jsonb_build_object('intent', 'intent-' || (g % 8), 'topic', 'topic-' || (g % 12), 'sentiment', jsonb_build_object('label', 'x', 'score', ((g % 21) - 10) / 10.0)),
               $1::timestamptz + (g * 97 % 170) * interval '1 day' + (g * 7919 % 86400) * interval '1 second',
               $1::timestamptz + (g * 97 % 170) * interval '1 day' + (g * 7919 % 86400) * interval '1 second',
               $1::timestamptz + (g * 97 % 170) * interval '1 day' + (g * 7919 % 86400) * interval '1 second'
        FROM generate_series(0, $2::int - 1) g`, [new Date(FROM).toISOString(), N]);
      await db.query(`
        INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
        SELECT c.id || '-' || k, 'w', c.id, c.channel, CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'public', 'm',
               CASE WHEN k % 2 = 0 THEN 'received' ELSE 'sent' END, c.created_at + k * interval '37 minutes'
        FROM conversations c, generate_series(0, $1::int - 1) k`, [PER]);
      await db.query(`
        UPDATE conversations SET status = 'resolved', resolved_at = created_at + interval '1 day', updated_at = created_at + interval '1 day'
        WHERE (substr(id, 2)::int % 5) <> 0`);
      // handle time as desktops record it: a span of the assignee's on every assigned conversation
      await db.query(`
        INSERT INTO handle_time (span_id, workspace_id, agent_id, conversation_id, started_at, ended_at, active_ms)
        SELECT 'span-' || c.id, 'w', c.assignee_id, c.id, c.created_at + interval '40 minutes', c.created_at + interval '46 minutes', 300000
        FROM conversations c WHERE c.assignee_id IS NOT NULL`);
    });
    // A live server's autovacuum keeps statistics; a fresh bulk load needs them said once.
    await db.exec('ANALYZE');
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    line({ case: `${engine}-load`, conversations: N, messages: n, ms: load.ms });
    await reportFromDb(db, 'w', { from: FROM, to: TO, asOf }); // warm-up
    for (const [name, by] of [[`${engine}-report-business-hours`, null], [`${engine}-report-business-hours-by-agent`, 'agent']] as const) {
      const runs: number[] = [];
      const cpu: number[] = [];
      let count = 0;
      for (let r = 0; r < 3; r++) {
        const { ms, cpu_ms, value } = await timeAsync(() => reportFromDb(db, 'w', { from: FROM, to: TO, asOf, by }));
        runs.push(ms); cpu.push(cpu_ms); count = value.total.inbound_messages + value.total.outbound_messages;
      }
      line({ case: name, conversations: N, messages: count, ms_best: Math.min(...runs), ms_runs: runs, cpu_ms_runs: cpu, target_ms: 1000 });
    }
    // A dashboard refresh after an event: one new inbound post, then today's report.
    const day = FROM + 100 * 86_400_000;
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const { ms } = await timeAsync(async () => {
        await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
                        VALUES ($1, 'w', 'c1', 'x', 'inbound', 'public', 'again', 'received', $2)`, [`new-${r}`, new Date(day + 3_600_000).toISOString()]);
        return reportFromDb(db, 'w', { from: day, to: day + 86_400_000, asOf: day + 86_400_000 });
      });
      runs.push(ms);
    }
    line({ case: `${engine}-event-to-day-report`, ms_p50: runs.sort((a, b) => a - b)[2], ms_runs: runs, target_ms: 1000 });
  } finally {
    await db.close();
    if (url) await dropSchema();
  }
}

await main();
