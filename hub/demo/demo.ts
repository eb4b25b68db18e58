/**
 * The demo workspace: teams, agents with known passwords, and real IBM Twitter care
 * conversations (hub/demo/data, Apache-2.0) with timestamps shifted to the present. Part of
 * them is seeded (assigned to the demo agents or waiting in the team queues, some already
 * answered and resolved); the rest is replayed as new inbound posts every ~20 s, so the
 * queue is alive. Seeding is skipped when the demo workspace already exists.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ChangeLog } from '../sync/changelog';
import { sql } from '../sync/changelog';
import { createAgent, createTeam, createWorkspace } from '../accounts/admin';
import type { InboundAnswers } from '../api/module';
import { HubIngestor, IngestError, type AnalyzePost, type RoutePost } from '../conversations/ingest';
import { parseIbmCare, type IbmThread } from '../connectors/import/ibm';
import { withTeams } from '../routing/service';
import { guardedScore } from '../quality/on-resolve';
import type { NormalizedPost } from '../connectors/types';

export const DEMO_WORKSPACE_ID = 'demo';
export const DEMO_PASSWORD = 'demo';

export const DEMO_AGENTS = [
  { id: 'agent-ana', email: 'ana@demo.tend', name: 'Ana Kowalski', role: 'agent', teams: ['team-care'] },
  { id: 'agent-ben', email: 'ben@demo.tend', name: 'Ben Osei', role: 'agent', teams: ['team-care', 'team-billing'] },
  { id: 'agent-sam', email: 'sam@demo.tend', name: 'Sam Rivera', role: 'supervisor', teams: ['team-care', 'team-billing'] },
  { id: 'agent-admin', email: 'admin@demo.tend', name: 'Demo Admin', role: 'admin', teams: [] },
] as const;

/**
 * The demo's routing: the four departments of the care cycle each receive the real demo posts
 * that concern them (as insights), billing questions go to Billing & accounts, the rest to Care.
 * Each rule matches some of the seeded conversations and more of the replayed ones.
 */
export const DEMO_RULES = [
  {
    id: 'demo-stores', name: 'Stores and branches to Store operations',
    filters: [{ field: 'keywords' as const, op: 'any' as const, values: ['store', 'stores', 'branch', 'branches', 'lobbies', 'employees'] }],
    targets: [{ queue_id: 'q-team-stores' }],
  },
  {
    id: 'demo-defects', name: 'Crashes and defects to Product quality',
    filters: [{ field: 'topic' as const, op: 'in' as const, values: ['product_defect'] }],
    targets: [{ queue_id: 'q-team-quality' }],
  },
  {
    id: 'demo-ideas', name: 'Suggestions to Product management',
    filters: [{ field: 'keywords' as const, op: 'any' as const, values: ['please add', 'suggestion', 'feature', 'features', 'bring back', 'why did you remove'] }],
    targets: [{ queue_id: 'q-team-product' }],
  },
  {
    id: 'demo-loyalty', name: 'Loyal customers and rewards to Loyalty',
    filters: [{ field: 'keywords' as const, op: 'any' as const, values: ['loyal', 'loyalty', 'rewards', 'points', 'for years', 'long time customer', 'longtime customer'] }],
    targets: [{ queue_id: 'q-team-loyalty' }],
  },
  {
    id: 'demo-billing', name: 'Billing, refunds and accounts to Billing & accounts',
    filters: [{ field: 'topic' as const, op: 'in' as const, values: ['billing', 'refund', 'account'] }],
    targets: [{ queue_id: 'q-team-billing' }],
  },
];

/** Two support teams and the four departments of the care cycle. */
export const DEMO_TEAMS: Array<{ id: string; name: string; kind: 'support' | 'department' }> = [
  { id: 'team-care', name: 'Care', kind: 'support' },
  { id: 'team-billing', name: 'Billing & accounts', kind: 'support' },
  { id: 'team-quality', name: 'Product quality', kind: 'department' },
  { id: 'team-stores', name: 'Store operations', kind: 'department' },
  { id: 'team-product', name: 'Product management', kind: 'department' },
  { id: 'team-loyalty', name: 'Loyalty', kind: 'department' },
];

export interface DemoOptions {
  /** conversations seeded at start (default 150) */
  seed?: number;
  /** ms between replayed conversations (default 20 000); 0 = no replay timer */
  replayIntervalMs?: number;
  /** data file (default hub/demo/data/ibm_twitter_care.json) */
  dataFile?: string;
  analyzePost?: AnalyzePost;
  /** with routing on, routing's hook (each new conversation is routed once); without, brands go to Billing or Care by a stable hash */
  route?: RoutePost;
  routeReady?: (workspaceId: string) => Promise<void> | null;
  answers?: InboundAnswers;
  /** print the credentials (default false; the CLI prints them) */
  log?: (line: string) => void;
  /** where a failed replay is reported (the hub: its log) */
  onError?: (err: unknown) => void;
}

export interface DemoInfo {
  workspaceId: string;
  agents: Array<{ id: string; email: string; password: string; name: string; role: string }>;
  /** whether this start seeded the workspace (false when it already existed) */
  seeded: boolean;
  /** replays the next conversation now; returns how many posts were stored */
  replayNext(): Promise<number>;
  stop(): Promise<void>;
}

const DATA_FILE = new URL('./data/ibm_twitter_care.json', import.meta.url);

/** Brands go to Billing by a stable hash, the rest to Care. */
function teamOfCompany(company: string): string {
  return createHash('sha256').update(company).digest()[0] % 3 === 0 ? 'team-billing' : 'team-care';
}

/**
 * A conversation's posts moved to end at `endAt`, its span cut to at most THREAD_SPAN_MS (in proportion, so
 * the order holds). The demo workspace is new: its history is the seeded hour and the replay since. Left at
 * their own spans (some threads of the data set began days before their end), a few posts days old before
 * that hour read as days of calm to the spike detector (hub/spikes), which then raised a critical alert on
 * all posts at every first start of the demo, and after a restart.
 */
const THREAD_SPAN_MS = 30 * 60_000;
const shifted = (posts: NormalizedPost[], endAt: number, suffix: string): NormalizedPost[] => {
  const first = Date.parse(posts[0].created_at);
  const last = Date.parse(posts[posts.length - 1].created_at);
  const scale = last - first > THREAD_SPAN_MS ? THREAD_SPAN_MS / (last - first) : 1;
  return posts.map((p) => ({
    ...p,
    platform_id: p.platform_id + suffix,
    in_reply_to: p.in_reply_to ? p.in_reply_to + suffix : null,
    created_at: new Date(endAt - Math.round((last - Date.parse(p.created_at)) * scale)).toISOString(),
  }));
};

export async function startDemo(log: ChangeLog, options: DemoOptions = {}): Promise<DemoInfo> {
  const db = log.db;
  const threads = parseIbmCare(readFileSync(options.dataFile ?? DATA_FILE, 'utf8')).threads;
  const seedCount = Math.min(options.seed ?? 150, threads.length);
  const route: RoutePost = options.route ?? ((input) => ({
    team_id: teamOfCompany(input.post.account),
    first_response_due_at: new Date(Date.parse(input.post.created_at) + 3600_000).toISOString(),
  }));
  const ingestor = new HubIngestor(log, { workspaceId: DEMO_WORKSPACE_ID, analyzePost: options.analyzePost, route, routeReady: options.routeReady, answers: options.answers });

  const [exists] = await db.query('SELECT 1 FROM workspaces WHERE id = $1', [DEMO_WORKSPACE_ID]);
  let seeded = false;
  if (!exists) {
    seeded = true;
    await createWorkspace(db, 'Tend demo', DEMO_WORKSPACE_ID);
    for (const t of DEMO_TEAMS) await createTeam(db, DEMO_WORKSPACE_ID, t.name, t.kind, t.id);
    // with routing on: the departments get what concerns them, billing questions go to Billing & accounts, the rest to Care
    const [routingOn] = await db.query<{ ok: boolean }>(`SELECT to_regclass('routing_config') IS NOT NULL AS ok`);
    if (routingOn.ok) {
      const config = { ...withTeams(null, DEMO_TEAMS), rules: DEMO_RULES };
      await db.query('INSERT INTO routing_config (workspace_id, config, updated_by) VALUES ($1, $2, $3) ON CONFLICT (workspace_id) DO NOTHING',
        [DEMO_WORKSPACE_ID, JSON.stringify(config), 'agent-admin']);
    }
    for (const a of DEMO_AGENTS) {
      await createAgent(log, {
        id: a.id, workspaceId: DEMO_WORKSPACE_ID, email: a.email, name: a.name, password: DEMO_PASSWORD,
        role: a.role, teamIds: [...a.teams], skills: { 'language:en': 3, 'channel:x': 3 }, capacity: { x: 8 },
      });
    }
    const now = Date.now();
    // a history that cannot be scored is seeded unscored, as a resolve on the hub would be
    const scoreHistory = guardedScore({ error: (obj) => options.onError?.((obj as { err?: unknown }).err) });
    let waiting = 0;
    for (let i = 0; i < seedCount; i++) {
      const t = threads[i];
      // every third one is history: answered and resolved; the others wait for an answer
      const answered = i % 3 === 2;
      // 25 s apart: the last hour of a floor, where only the oldest few have run past their SLA
      const posts = shifted(answered ? t.posts : withoutFinalAnswer(t), now - i * 25_000, '');
      const conv = await ingestAll(ingestor, posts);
      if (!conv) continue;
      // history was handled by Ana and Ben; of the open ones each holds 7 (below their capacity of 8,
      // so routing can still offer them one) and the rest wait in the team queues
      const k = waiting;
      if (!answered) waiting++;
      const owner = answered ? (i % 2 ? 'agent-ben' : 'agent-ana') : k % 15 === 0 ? 'agent-ana' : k % 15 === 1 ? 'agent-ben' : null;
      await log.write(async (w) => {
        await w.update('conversation', conv, {
          assignee_id: owner ?? undefined,
          status: answered ? 'resolved' : undefined,
          resolved_at: answered ? sql('last_message_at') : undefined,
        });
        // history is scored as a resolve on the hub is (hub/quality), so reviewers have a week to review
        if (answered && owner) await scoreHistory(w, { id: conv, workspace_id: DEMO_WORKSPACE_ID }, owner);
      });
    }
  }

  // replay continues after the seeded part, round after round with fresh platform ids
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages WHERE workspace_id = $1 AND direction = 'inbound'`, [DEMO_WORKSPACE_ID]);
  let cursor = seedCount + (seeded ? 0 : n % Math.max(1, threads.length - seedCount));
  const replayNext = async (): Promise<number> => {
    const rest = threads.length - seedCount;
    if (rest <= 0) return 0;
    const k = cursor++;
    const round = Math.floor((k - seedCount) / rest);
    const t = threads[seedCount + ((k - seedCount) % rest)];
    const posts = shifted(withoutFinalAnswer(t), Date.now(), `~r${round}-${Date.now().toString(36)}`);
    let stored = 0;
    for (const p of posts) {
      try {
        if ((await ingestor.ingest(p)).status === 'stored') stored++;
      } catch (err) {
        if (!(err instanceof IngestError)) throw err;
      }
    }
    return stored;
  };

  const interval = options.replayIntervalMs ?? 20_000;
  let timer: NodeJS.Timeout | null = null;
  let busy: Promise<unknown> | null = null;
  if (interval > 0) {
    timer = setInterval(() => {
      if (!busy) busy = replayNext().catch((err) => options.onError?.(err)).finally(() => { busy = null; });
    }, interval);
    timer.unref?.();
  }
  const agents = DEMO_AGENTS.map((a) => ({ id: a.id, email: a.email, password: DEMO_PASSWORD, name: a.name, role: a.role }));
  options.log?.(`demo workspace: ${seeded ? `seeded ${seedCount} IBM care conversations` : 'already seeded'}; replaying one every ${Math.round(interval / 1000)} s`);
  for (const a of agents) options.log?.(`  ${a.role.padEnd(10)} ${a.email} / ${a.password}`);
  return {
    workspaceId: DEMO_WORKSPACE_ID, agents, seeded, replayNext,
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await busy;
    },
  };
}

function withoutFinalAnswer(t: IbmThread): NormalizedPost[] {
  const posts = [...t.posts];
  while (posts.length > 1 && posts[posts.length - 1].from_brand) posts.pop();
  return posts;
}

async function ingestAll(ingestor: HubIngestor, posts: NormalizedPost[]): Promise<string | null> {
  let conversation: string | null = null;
  for (const p of posts) {
    try {
      const r = await ingestor.ingest(p);
      conversation ??= r.conversation_id;
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
    }
  }
  return conversation;
}
