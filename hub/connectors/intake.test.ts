/**
 * Backpressure on the webhooks (issue 11, item 5): a bounded intake queue; beyond it, 503 with
 * Retry-After and nothing stored; nothing answered 200 is ever lost (also when the hub is killed);
 * redeliveries are stored once; a large delivery is stored in batches, one transaction each.
 * The hub is made slow by holding its database (a transaction the test keeps open), never by timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import { openDb, type Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { createTeam, createWorkspace } from '../accounts/admin';
import { loadConnectorConfig } from './config';
import { IngestIntake } from './intake';
import { xSignature } from './signatures';
import { xTweetCreatePayload } from './standins/x';
import type { IngestResult, Ingestor, NormalizedPost } from './types';
import { hubProcesses } from '../../testing/hub/hub-processes';

const SECRET = 'intake-x-secret';
const BRAND = '3001969357';
let seq = 0;

/** A signed X delivery of `n` new tweets; its ids, to check what was stored. */
function delivery(n: number): { body: string; ids: string[] } {
  const tweets = Array.from({ length: n }, () => {
    const id = String(900000000000 + ++seq);
    return { id, text: `my order ${seq} never arrived`, user: { id: String(5000 + (seq % 50)), name: `Customer ${seq % 50}`, screen_name: `cust${seq % 50}` } };
  });
  return { body: JSON.stringify(xTweetCreatePayload(BRAND, tweets)), ids: tweets.map((t) => t.id) };
}

async function deliver(url: string, body: string): Promise<{ status: number; retryAfter: string | null; json: { error?: { code: string; message: string } } | null }> {
  const res = await fetch(`${url}/webhooks/x`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(Buffer.from(body), SECRET) }, body,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json().catch(() => null) as { error?: { code: string; message: string } } | null };
}

/** How many messages each platform id has (a post stored twice shows as 2). */
async function storedCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ platform_id: string; n: number }>(
    'SELECT platform_id, count(*)::int AS n FROM messages WHERE platform_id = ANY($1::text[]) GROUP BY platform_id', [ids]);
  return new Map(rows.map((r) => [r.platform_id, r.n]));
}

describe('the intake queue', () => {
  /** An Ingestor whose batches wait until released. */
  function gated() {
    const batches: NormalizedPost[][] = [];
    let release: () => void = () => {};
    let gate = new Promise<void>((r) => { release = r; });
    const ingestor: Ingestor & { batches: NormalizedPost[][]; open(): void } = {
      batches,
      open: () => release(),
      ingest: async () => { throw new Error('one by one is not expected here'); },
      async ingestMany(posts) {
        batches.push(posts);
        await gate;
        return posts.map((p): IngestResult => ({ status: 'stored', conversation_id: `c-${p.platform_id}`, message_id: `m-${p.platform_id}` }));
      },
    };
    return { ingestor, reset: () => { gate = new Promise<void>((r) => { release = r; }); } };
  }
  const posts = (n: number) => Array.from({ length: n }, (_, i) => ({ platform_id: `p${++seq}-${i}` }) as NormalizedPost);

  it('admits deliveries up to its bound, refuses the next whole with a Retry-After, and takes more once they are stored', async () => {
    const { ingestor } = gated();
    const intake = new IngestIntake(ingestor, { maxQueuedPosts: 10, batchSize: 100 });
    const a = intake.submit(posts(4));
    const b = intake.submit(posts(4));
    const c = intake.submit(posts(4));
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    if (c.ok) throw new Error('expected a refusal');
    expect(c.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(c.reason).toMatch(/8 posts are waiting/);
    expect(intake.inFlight).toBe(8);
    expect(intake.submit(posts(2)).ok).toBe(true); // 10 fit
    expect(intake.full()).not.toBeNull();
    ingestor.open();
    if (!a.ok) throw new Error('admitted');
    expect((await a.results).map((r) => (r as IngestResult).status)).toEqual(['stored', 'stored', 'stored', 'stored']);
    await new Promise((r) => setImmediate(r));
    expect(intake.inFlight).toBe(0);
    expect(intake.submit(posts(4)).ok).toBe(true);
  });

  it('stores a large delivery in batches, in order; one larger than the bound is taken when nothing waits', async () => {
    const { ingestor } = gated();
    ingestor.open();
    const intake = new IngestIntake(ingestor, { maxQueuedPosts: 10, batchSize: 10 });
    const big = posts(25);
    const r = intake.submit(big);
    expect(r.ok).toBe(true);
    if (!r.ok) throw new Error('admitted');
    expect((await r.results)).toHaveLength(25);
    expect(ingestor.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(ingestor.batches.flat().map((p) => p.platform_id)).toEqual(big.map((p) => p.platform_id));
  });

  it('refuses once a delivery has waited longer than the bound for a batch to commit (no rate needed: the first second, a starved machine)', async () => {
    let now = 5_000_000;
    const { ingestor } = gated();
    const intake = new IngestIntake(ingestor, { maxQueuedPosts: 1000, maxQueueWaitMs: 2000, now: () => now });
    expect(intake.submit(posts(1)).ok).toBe(true);
    now += 1500;
    expect(intake.submit(posts(1)).ok).toBe(true);
    now += 1000; // the first has waited 2.5 s
    const r = intake.submit(posts(1));
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error('refused');
    expect(r.reason).toMatch(/has waited 2\.5 s/);
    expect(r.retryAfterS).toBe(3);
    ingestor.open();
  });

  it('refuses when what waits would take longer than the bound at the rate posts have been stored', async () => {
    let now = 10_000_000;
    const { ingestor, reset } = gated();
    ingestor.open();
    const intake = new IngestIntake(ingestor, { maxQueuedPosts: 1000, maxQueueWaitMs: 2000, batchSize: 10, now: () => now });
    const first = intake.submit(posts(10)); // 10 posts stored in one second: 10 a second
    if (!first.ok) throw new Error('admitted');
    await first.results;
    now += 1000;
    reset();
    expect(intake.submit(posts(15)).ok).toBe(true); // 15 waiting: 1.5 s at 10 a second
    expect(intake.submit(posts(10)).ok).toBe(true); // checked on what already waits (1.5 s): taken
    const refused = intake.submit(posts(1)); // 25 waiting: 2.5 s, more than 2 s
    expect(refused.ok).toBe(false);
    if (refused.ok) throw new Error('refused');
    expect(refused.retryAfterS).toBe(3);
    expect(refused.reason).toMatch(/wait about 3 s/);
  });
});

describe('a flooded hub', () => {
  let db: Db;
  let hub: Hub;

  beforeAll(async () => {
    db = await openTestDb('webhook_intake');
    hub = await startHub({
      database: db, outbound: { dispatcher: false }, analysis: false, snoozeCheckMs: 0,
      channels: (() => {
        const c = loadConnectorConfig({ TEND_X_CONSUMER_SECRET: SECRET });
        return { ...c, webhooks: { ...c.webhooks, intake: { maxQueuedPosts: 20 } }, workspace: 'ws' };
      })(),
    });
    await createWorkspace(hub.db, 'Intake', 'ws');
    await createTeam(hub.db, 'ws', 'Care');
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
  });

  it('answers 503 with Retry-After beyond the queue, stores every accepted post once, and redeliveries add nothing', async () => {
    const deliveries = Array.from({ length: 60 }, (_, i) => delivery(i % 3 === 0 ? 3 : 1));
    // the database is busy (a transaction holds it): nothing drains while the flood arrives
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let holding!: () => void;
    const holds = new Promise<void>((r) => { holding = r; });
    const tx = hub.db.transaction(async () => { holding(); await held; });
    await holds;
    // the flood; the database is let go once the hub has refused one (its queue is full by then)
    let firstRefusal!: () => void;
    const refusedOne = new Promise<void>((r) => { firstRefusal = r; });
    const first = deliveries.map((d) => deliver(hub.url, d.body).then((a) => { if (a.status === 503) firstRefusal(); return a; }));
    await refusedOne;
    release();
    await tx;
    const answers = await Promise.all(first);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.json?.error?.code).toBe('overloaded');
    }
    const accepted = deliveries.filter((_, i) => answers[i].status === 200);
    expect(accepted.length + refused.length).toBe(deliveries.length);
    // accepted: all stored, once; refused: nothing of them
    const after = await storedCounts(hub.db, deliveries.flatMap((d) => d.ids));
    for (const d of accepted) for (const id of d.ids) expect(after.get(id), id).toBe(1);
    for (const [i, d] of deliveries.entries()) if (answers[i].status === 503) for (const id of d.ids) expect(after.get(id)).toBeUndefined();
    // the platform redelivers everything (refused and accepted alike) until answered 200
    let pending = deliveries.map((d) => d.body);
    for (let round = 0; pending.length && round < 50; round++) {
      const rs = await Promise.all(pending.map((b) => deliver(hub.url, b)));
      pending = pending.filter((_, i) => rs[i].status !== 200);
    }
    expect(pending).toEqual([]);
    const final = await storedCounts(hub.db, deliveries.flatMap((d) => d.ids));
    expect(final.size).toBe(deliveries.reduce((n, d) => n + d.ids.length, 0));
    expect([...final.values()].every((n) => n === 1)).toBe(true);
  });

  it('a 1,000-event delivery is stored in batches (a handful of commits, not a thousand)', async () => {
    const d = delivery(1000);
    // writes that stored messages (on a PostgreSQL server the hub is also poked by its own NOTIFY: not a write)
    let commits = 0;
    const count = (changes: Array<{ entity: string }>) => { if (changes.some((c) => c.entity === 'message')) commits++; };
    hub.log.events.on('committed', count);
    const r = await deliver(hub.url, d.body);
    hub.log.events.off('committed', count);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ received: 1000, stored: 1000, duplicates: 0 });
    expect(commits).toBeLessThanOrEqual(12);
    const stored = await storedCounts(hub.db, d.ids);
    expect(stored.size).toBe(1000);
  });
});

describe('a hub killed while deliveries are queued', () => {
  let dir: string;
  const hubs = hubProcesses();
  afterAll(async () => {
    await hubs.killAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const startHubProcess = () => hubs.start(dir, [], { TEND_X_CONSUMER_SECRET: SECRET });
  const exited = hubs.exited;

  it('every post answered 200 before a SIGKILL is stored after the restart; redelivering everything stores each once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tend-intake-crash-'));
    const one = await startHubProcess();
    const deliveries = Array.from({ length: 80 }, () => delivery(2));
    const answers: Array<number | null> = deliveries.map(() => null);
    let ok = 0;
    let killed = false;
    // 16 senders at a time, each delivering again on 503 as the platform does; the hub is killed once
    // 20 deliveries were accepted, with others on their way (a loaded machine refuses many: the count
    // of accepted ones, not of sends, decides when)
    let next = 0;
    const sender = async () => {
      while (next < deliveries.length && !killed) {
        const i = next++;
        while (!killed) {
          try {
            const r = await deliver(one.url, deliveries[i].body);
            answers[i] = r.status;
            if (r.status !== 200) continue;
            if (++ok === 20) { killed = true; one.child.kill('SIGKILL'); }
          } catch { answers[i] = null; /* cut off by the kill: not accepted */ }
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    if (!killed) one.child.kill('SIGKILL'); // never reached (80 deliveries > 20): only so a failure cannot hang here
    await exited(one.child);
    const acceptedIds = deliveries.filter((_, i) => answers[i] === 200).flatMap((d) => d.ids);
    expect(acceptedIds.length).toBeGreaterThanOrEqual(40);

    // the platform delivers everything again until each is answered 200 (8 at a time)
    const two = await startHubProcess();
    const pending = deliveries.map((d) => d.body);
    const unanswered: string[] = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let b = pending.shift(); b !== undefined; b = pending.shift()) {
        let status = 0;
        for (let attempt = 0; attempt < 500 && status !== 200; attempt++) status = (await deliver(two.url, b)).status;
        if (status !== 200) unanswered.push(b);
      }
    }));
    expect(unanswered).toEqual([]);
    two.child.kill('SIGTERM');
    await exited(two.child);
    const db = await openDb({ dataDir: dir });
    try {
      const counts = await storedCounts(db, deliveries.flatMap((d) => d.ids));
      for (const id of acceptedIds) expect(counts.get(id), id).toBe(1);
      expect(counts.size).toBe(160);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await db.close();
    }
  }, 600_000); // two hub processes start, one on a fresh data dir (initdb), on a busy machine
});
