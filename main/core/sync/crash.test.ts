/**
 * Crash: the headless core (cli.ts) is killed with SIGKILL while it drains an outbox of
 * replies, then restarted. Every reply reaches the customer exactly once; no draft is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalDesktopService } from '../core';
import { startWorld, type World } from '../../../testing/desktop/hub-harness';
import { request } from '../service';

const REPO = path.resolve(__dirname, '../../..');
const REPLIES = 30;
let world: World;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  world = await startWorld();
  dir = mkdtempSync(path.join(tmpdir(), 'tend-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Status { event: string; outbox_count?: number; syncing?: boolean; online?: boolean }

/** Starts cli.ts on the data dir and calls `until` on each JSON line until it returns true. */
function runCli(until: (s: Status) => boolean): { child: ChildProcess; reached: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/core/cli.ts', '--data-dir', dir, '--batch-size', '1'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const reached = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try { if (until(JSON.parse(line) as Status)) resolve(); } catch (err) { reject(err); }
    });
    void exited.then((code) => reject(new Error(`cli exited (${code}) early: ${stderr}`)));
  });
  return { child, reached, exited };
}

it('replies queued before a SIGKILL mid-drain are delivered exactly once after restart; drafts survive', async () => {
  const t = await world.tenant();
  const conversations: string[] = [];
  for (const handle of ['@ann', '@bob', '@cy']) {
    const p = await t.post({ handle, text: `help ${handle}` });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
    conversations.push(p.conversation_id);
  }

  // Queue the replies while the core is offline, keep a draft beside them, then close.
  const core = new LocalDesktopService({ dataDir: dir, sync: { live: false } });
  await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.syncNow();
  expect((await request(core, 'inbox.counts', {})).mine).toBe(3);
  await core.engine.stop();
  const ids: string[] = [];
  for (let i = 0; i < REPLIES; i++) {
    const { message_id } = await request(core, 'reply.send', { conversation_id: conversations[i % 2], text: `reply ${i}`, visibility: 'public' });
    ids.push(message_id);
  }
  await request(core, 'draft.save', { conversation_id: conversations[2], text: 'half-written answer', visibility: 'public' });
  await core.close();

  // Drain, and kill it as soon as the first reply has been acknowledged.
  const first = runCli((s) => s.event === 'status' && s.outbox_count !== undefined && s.outbox_count < REPLIES);
  await first.reached;
  first.child.kill('SIGKILL');
  await first.exited;
  const [{ n: atKill }] = await world.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::text[])', [ids]);
  expect(atKill).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(REPLIES);

  // Restart: it resumes from its durable outbox (resending the in-flight one is safe: same mutation id).
  const second = runCli((s) => s.event === 'status' && s.outbox_count === 0 && s.syncing === false);
  await second.reached;
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  await t.deliveriesSettled();
  const rows = await world.hub.db.query<{ id: string; n: number }>(
    'SELECT id, count(*)::int AS n FROM messages WHERE id = ANY($1::text[]) GROUP BY id', [ids]);
  expect(rows.length).toBe(REPLIES);
  expect(rows.every((r) => r.n === 1)).toBe(true);
  const posted = await t.sandboxCounts();
  expect(ids.map((id) => posted.get(id))).toEqual(ids.map(() => 1));
  // replies kept their order per conversation
  const order = await world.hub.db.query<{ text: string }>(
    "SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'outbound' ORDER BY sync_id", [conversations[0]]);
  expect(order.map((r) => r.text)).toEqual(ids.map((_, i) => `reply ${i}`).filter((_, i) => i % 2 === 0));

  const after = new LocalDesktopService({ dataDir: dir, sync: { live: false } });
  try {
    expect((await request(after, 'draft.get', { conversation_id: conversations[2] }))?.text).toBe('half-written answer');
    expect(after.outbox.pendingCount()).toBe(0);
  } finally {
    await after.close();
  }
});
