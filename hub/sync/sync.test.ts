import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { conversation, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login, ModelClient, openStream, streamUrl } from '../../testing/hub/client';
import { scopeSnapshot } from './scope';
import { ChangesPageSchema } from '../../shared/contract/hub-api';
import { setAgentTeams } from '../accounts/admin';
import type { Loose } from '../../testing/json';
import { sql, type WriteOp } from './changelog';

let db: Db;
let hub: Hub;
let w: World;

beforeAll(async () => {
  db = await openTestDb('sync');
  hub = await startHub({ database: db, outbound: { dispatcher: { pollMs: 50 } } });
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});
beforeEach(async () => {
  await hub.dispatcher?.idle();
  await truncateAll(db);
  w = await seedWorld(hub.log);
});

async function clientFor(agentId: string, email: string) {
  return new ModelClient(hub.url, await login(hub.url, email), agentId);
}

const reply = (conversation_id: string, text = 'on it') => ({
  id: randomUUID(), type: 'reply', args: { conversation_id, message_id: randomUUID(), text, visibility: 'public' },
});

describe('sync', () => {
  it('bootstrap + changes equal scopeSnapshot, through reassignments in and out of scope', async () => {
    const c1 = await conversation(hub.log, w, { handle: 'cu1', assignee: w.agentA });
    const c2 = await conversation(hub.log, w, { handle: 'cu2', team: w.teamA });
    const c3 = await conversation(hub.log, w, { handle: 'cu3', assignee: w.agentB, team: w.teamB });
    const c4 = await conversation(hub.log, w, { handle: 'cu1', assignee: w.agentB, team: w.teamB }); // history of cu1
    const c5 = await conversation(hub.log, w, { handle: 'cu5', team: w.teamB });

    const a = await clientFor(w.agentA, w.emails.a);
    const b = await clientFor(w.agentB, w.emails.b);
    await a.bootstrap(2);
    await b.bootstrap(2);
    expect(a.snapshot()).toEqual(await scopeSnapshot(db, w.agentA));
    expect(b.snapshot()).toEqual(await scopeSnapshot(db, w.agentB));
    expect(new Set(a.conversations.keys())).toEqual(new Set([c1.id, c2.id, c4.id]));
    expect(a.conversations.has(c3.id)).toBe(false);
    expect(a.conversations.has(c5.id)).toBe(false);

    // history changes, a new inbound, and B's reply on A's customer's other conversation
    const [first] = await db.query<{ platform_id: string }>('SELECT platform_id FROM messages WHERE id = $1', [c1.message_id]);
    await w.ingestor.ingest(post({ handle: 'cu1', text: 'still waiting', in_reply_to: first.platform_id }));
    const bt = await login(hub.url, w.emails.b);
    expect((await call(hub.url, 'POST', '/v1/mutations', { token: bt, body: { mutations: [reply(c4.id)] } })).json.results[0].ok).toBe(true);
    const at = a.token;
    // c3 moves from B to A: enters A's scope (with its customer's history), leaves B's
    const boss = await login(hub.url, w.emails.supervisor);
    const moves = await call(hub.url, 'POST', '/v1/mutations', {
      token: boss,
      body: { mutations: [
        { id: randomUUID(), type: 'assign', args: { conversation_id: c3.id, assignee_id: w.agentA, team_id: w.teamA } },
        { id: randomUUID(), type: 'assign', args: { conversation_id: c1.id, assignee_id: w.agentB, team_id: w.teamB } },
      ] },
    });
    expect(moves.status).toBe(200);
    expect(moves.json.results.every((r: Loose) => r.ok)).toBe(true);
    await call(hub.url, 'POST', '/v1/mutations', { token: at, body: { mutations: [
      { id: randomUUID(), type: 'note', args: { conversation_id: c2.id, note_id: randomUUID(), text: 'vip' } }] } });
    await call(hub.url, 'POST', '/v1/mutations', { token: bt, body: { mutations: [
      { id: randomUUID(), type: 'set_priority', args: { conversation_id: c5.id, priority: 'high' } }] } });
    await hub.dispatcher?.idle();

    await a.pull(3);
    await b.pull(3);
    expect(a.snapshot()).toEqual(await scopeSnapshot(db, w.agentA));
    expect(b.snapshot()).toEqual(await scopeSnapshot(db, w.agentB));
    expect(a.conversations.has(c3.id)).toBe(true);
    expect(a.conversations.has(c1.id)).toBe(false); // lost with its customer's whole history
    expect(a.conversations.has(c4.id)).toBe(false);
    expect(b.conversations.has(c1.id)).toBe(true);
    expect(b.conversations.has(c3.id)).toBe(false);
  });

  it('random interleavings of hub changes and pulls converge to the scope', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      await truncateAll(db);
      w = await seedWorld(hub.log);
      let s = seed * 7919;
      const rnd = (n: number) => { s = (s * 48271) % 2147483647; return s % n; };
      const agents = [w.agentA, w.agentB, w.supervisor];
      const teams = [w.teamA, w.teamB];
      const convs: string[] = [];
      for (let i = 0; i < 6; i++) {
        convs.push((await conversation(hub.log, w, { handle: `h${rnd(4)}`, assignee: rnd(2) ? agents[rnd(3)] : null, team: teams[rnd(2)] })).id);
      }
      const a = await clientFor(w.agentA, w.emails.a);
      const b = await clientFor(w.agentB, w.emails.b);
      await a.bootstrap(2);
      await b.bootstrap(3);
      for (let step = 0; step < 25; step++) {
        const c = convs[rnd(convs.length)];
        switch (rnd(6)) {
          case 0:
            await hub.log.write((wr) => wr.update('conversation', c, { assignee_id: rnd(3) ? agents[rnd(3)] : null, team_id: teams[rnd(2)] }));
            break;
          case 1:
            convs.push((await w.ingestor.ingest(post({ handle: `h${rnd(6)}` }))).conversation_id);
            break;
          case 2: {
            const [m] = await db.query<{ platform_id: string }>('SELECT platform_id FROM messages WHERE conversation_id = $1 AND platform_id IS NOT NULL LIMIT 1', [c]);
            if (m) await w.ingestor.ingest(post({ handle: `h${rnd(6)}`, in_reply_to: m.platform_id }));
            break;
          }
          case 3: await a.pull(1 + rnd(3)); break;
          case 4: await b.pull(1 + rnd(3)); break;
          case 5:
            await hub.log.write((wr) => wr.update('conversation', c, { tags: [`t${rnd(3)}`] }));
            break;
        }
        if (rnd(10) === 0) await setAgentTeams(hub.log, w.agentA, rnd(2) ? [w.teamA] : [w.teamA, w.teamB]);
      }
      await a.pull(2);
      await b.pull(5);
      expect(a.snapshot(), `seed ${seed}, agent A`).toEqual(await scopeSnapshot(db, w.agentA));
      expect(b.snapshot(), `seed ${seed}, agent B`).toEqual(await scopeSnapshot(db, w.agentB));
    }
  });

  it('changes pages: to, has_more and reset', async () => {
    await conversation(hub.log, w, { assignee: w.agentA });
    await conversation(hub.log, w, { assignee: w.agentA });
    const t = await login(hub.url, w.emails.a);
    const [{ max }] = await db.query<{ max: number }>('SELECT max(sync_id)::int AS max FROM changes');
    const p1 = ChangesPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/changes?since=0&limit=2', { token: t })).json);
    expect(p1.has_more).toBe(true);
    expect(p1.changes).toHaveLength(2);
    expect(p1.to).toBe(p1.changes[1].sync_id);
    let page = p1;
    while (page.has_more) page = ChangesPageSchema.parse((await call(hub.url, 'GET', `/v1/sync/changes?since=${page.to}&limit=2`, { token: t })).json);
    expect(page.to).toBe(max);
    expect(ChangesPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/changes?since=-1', { token: t })).json).reset).toBe(true);
    expect(ChangesPageSchema.parse((await call(hub.url, 'GET', `/v1/sync/changes?since=${max + 100}`, { token: t })).json).reset).toBe(true);
    await hub.log.prune(3);
    expect(ChangesPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/changes?since=1', { token: t })).json).reset).toBe(true);
    expect(ChangesPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/changes?since=3', { token: t })).json).reset).toBe(false);
    // a log pruned empty: the bootstrap watermark stays at the pruned end, so the client does not loop on reset
    await hub.log.prune(max);
    const boot = (await call(hub.url, 'GET', '/v1/sync/bootstrap', { token: t })).json;
    expect(boot.watermark).toBe(max);
    const after = ChangesPageSchema.parse((await call(hub.url, 'GET', `/v1/sync/changes?since=${boot.watermark}`, { token: t })).json);
    expect(after).toMatchObject({ reset: false, to: max, changes: [] });
    expect(await hub.log.maxSyncId()).toBe(max);
  });

  it('the stream pushes a committed change of the scope, and not others', async () => {
    const mine = await conversation(hub.log, w, { assignee: w.agentA });
    const theirs = await conversation(hub.log, w, { handle: 'other', assignee: w.agentB, team: w.teamB });
    const t = await login(hub.url, w.emails.a);
    const [{ max }] = await db.query<{ max: number }>('SELECT max(sync_id)::int AS max FROM changes');
    const stream = await openStream(hub.url, t, max);
    try {
      const hello = await stream.waitFor((m) => m.type === 'hello');
      expect(hello).toEqual({ type: 'hello', agent_id: w.agentA, watermark: max });
      await hub.log.write((wr) => wr.update('conversation', theirs.id, { priority: 'urgent' }));
      const r = await w.ingestor.ingest(post({ handle: 'customer1', text: 'are you there?', in_reply_to: null, visibility: 'public' }));
      await hub.log.write((wr) => wr.update('conversation', r.conversation_id, { assignee_id: w.agentA }));
      void mine;
      const pushed = await stream.waitFor((m) => m.type === 'changes' && m.page.changes.some((c: Loose) => c.entity === 'message' && c.data.text === 'are you there?'));
      const page = ChangesPageSchema.parse(pushed.page);
      expect(page.since).toBe(max);
      const all = stream.messages.filter((m) => m.type === 'changes').flatMap((m) => m.page.changes);
      expect(all.some((c: Loose) => c.entity === 'conversation' && c.data.id === theirs.id)).toBe(false);
    } finally {
      stream.close();
    }
  });

  it("the stream pushes history: a change to another agent's conversation with my customer", async () => {
    await conversation(hub.log, w, { handle: 'shared', assignee: w.agentA });
    const theirs = await conversation(hub.log, w, { handle: 'shared', assignee: w.agentB, team: w.teamB });
    const t = await login(hub.url, w.emails.a);
    const stream = await openStream(hub.url, t, (await hub.log.maxSyncId()));
    try {
      await stream.waitFor((m) => m.type === 'hello');
      await hub.log.write((wr) => wr.update('conversation', theirs.id, { tags: ['history-moved'] }));
      const m = await stream.waitFor((x) => x.type === 'changes');
      expect(m.page.changes.map((c: Loose) => [c.entity, c.data.id, c.data.tags])).toEqual([['conversation', theirs.id, ['history-moved']]]);
    } finally {
      stream.close();
    }
  });

  it("the stream pushes history of a customer who joined my scope after I subscribed (the pump does not re-read the scope's customers)", async () => {
    await conversation(hub.log, w, { handle: 'mine-first', assignee: w.agentA });
    const later = await conversation(hub.log, w, { handle: 'joins', assignee: w.agentB, team: w.teamB });
    const theirs = await conversation(hub.log, w, { handle: 'joins', assignee: w.agentB, team: w.teamB });
    const t = await login(hub.url, w.emails.a);
    const stream = await openStream(hub.url, t, (await hub.log.maxSyncId()));
    try {
      await stream.waitFor((m) => m.type === 'hello');
      // a first pump reads the customers of my scope: 'joins' is not among them yet
      await hub.log.write((wr) => wr.update('conversation', later.id, { assignee_id: w.agentA, team_id: w.teamA }));
      await stream.waitFor((m) => m.type === 'changes' && m.page.changes.some((c: Loose) => c.data.id === later.id));
      // their other conversation, still B's, changes: it is my customer's history now
      await hub.log.write((wr) => wr.update('conversation', theirs.id, { tags: ['history-after-join'] }));
      const m = await stream.waitFor((x) => x.type === 'changes' && x.page.changes.some((c: Loose) => c.data.id === theirs.id));
      expect(m.page.changes.find((c: Loose) => c.data.id === theirs.id).data.tags).toEqual(['history-after-join']);
    } finally {
      stream.close();
    }
  });

  it("the stream follows the agent's teams: after joining a team, that team's queue is pushed", async () => {
    const queued = await conversation(hub.log, w, { handle: 'queued-b', team: w.teamB });
    const t = await login(hub.url, w.emails.a);
    const stream = await openStream(hub.url, t, (await hub.log.maxSyncId()));
    try {
      await stream.waitFor((m) => m.type === 'hello');
      await setAgentTeams(hub.log, w.agentA, [w.teamA, w.teamB]);
      await stream.waitFor((m) => m.type === 'changes' && m.page.changes.some((c: Loose) => c.entity === 'agent'));
      await hub.log.write((wr) => wr.update('conversation', queued.id, { tags: ['queue-b'] }));
      const m = await stream.waitFor((x) => x.type === 'changes' && x.page.changes.some((c: Loose) => c.data.id === queued.id));
      expect(m.page.changes.find((c: Loose) => c.data.id === queued.id).data.tags).toEqual(['queue-b']);
    } finally {
      stream.close();
    }
  });

  it('a stream opens with a single-use ticket; the session token is refused in any URL', async () => {
    const t = await login(hub.url, w.emails.a);
    const at = await streamUrl(hub.url, '/v1/sync/stream', t);
    const ws = new WebSocket(at);
    const hello = await new Promise<Loose>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', since: 0 })));
      ws.on('message', (d) => { const m = JSON.parse(d.toString()); if (m.type === 'hello') resolve(m); });
      ws.once('error', reject);
    });
    ws.close();
    expect(hello.agent_id).toBe(w.agentA);
    // the same ticket again, the token as ?token= on a stream or on REST: 401
    expect(await upgradeStatus(at)).toBe(401);
    expect(await upgradeStatus(`${hub.url.replace(/^http/, 'ws')}/v1/sync/stream?token=${encodeURIComponent(t)}`)).toBe(401);
    expect(await upgradeStatus(`${hub.url.replace(/^http/, 'ws')}/v1/sync/stream`, { authorization: `Bearer ${t}` })).toBe(401);
    const rest = await call(hub.url, 'GET', `/v1/me?token=${encodeURIComponent(t)}`);
    expect(rest.status).toBe(401);
    expect(rest.json.error.message).toMatch(/Authorization header/);
    expect((await call(hub.url, 'GET', '/v1/me', { token: t })).status).toBe(200);
  });

  it('a stream ticket expires unused', async () => {
    const t = await login(hub.url, w.emails.a);
    const r = await call(hub.url, 'POST', '/v1/auth/ticket', { token: t });
    expect(Date.parse(r.json.expires_at) - Date.now()).toBeLessThanOrEqual(31_000);
    await hub.db.query(`UPDATE stream_tickets SET expires_at = now() - interval '1 second'`);
    expect(await upgradeStatus(`${hub.url.replace(/^http/, 'ws')}/v1/sync/stream?ticket=${encodeURIComponent(r.json.ticket)}`)).toBe(401);
  });

  it('the stream refuses a missing or made-up ticket', async () => {
    for (const q of ['', '?ticket=nope']) expect(await upgradeStatus(`${hub.url.replace(/^http/, 'ws')}/v1/sync/stream${q}`)).toBe(401);
  });
});

/** The HTTP status an upgrade gets (101 when it opens). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => {}); // the refused upgrade also surfaces as an error event
  return new Promise<number>((resolve) => {
    ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); });
    ws.once('open', () => { resolve(101); ws.close(); });
  });
}

describe('Writer.writeAll: several writes in one statement', () => {
  /** a change as a desktop sees it, without what differs between two runs (ids, sync ids, times) */
  const shape = (c: { entity: string; keys: string[]; customer_id: string | null; data: Loose }) => {
    const { id: _i, sync_id: _s, conversation_id: _c, platform_id: _p, customer_id: _cu, identities: _id, ...rest } = c.data;
    const data = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.endsWith('_at')));
    return { entity: c.entity, keys: [...c.keys].sort(), data };
  };
  const logged = (from: number) => db.query<{ sync_id: number; entity: string; entity_id: string; keys: string[]; customer_id: string | null; data: Loose }>(
    'SELECT sync_id, entity, entity_id, keys, customer_id, data FROM changes WHERE sync_id > $1 ORDER BY sync_id', [from]);
  const message = (conversation_id: string, text: string) => ({
    id: randomUUID(), workspace_id: w.ws, conversation_id, channel: 'x', direction: 'inbound', visibility: 'public',
    author_id: 'cu', author_name: 'cu', text, platform_id: randomUUID(), in_reply_to: null, permalink: null, delivery: 'received', created_at: new Date().toISOString(),
  });

  it('writes the same rows and changes, in the same order, as the same writes one statement each', async () => {
    // two conversations of one customer, written to alike: once in one statement per batch, once one by one
    const one = await conversation(hub.log, w, { handle: 'cu-same', assignee: w.agentA });
    const two = await conversation(hub.log, w, { handle: 'cu-same', assignee: w.agentA });
    const customer = (await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [one.id]))[0].customer_id;
    const newConversation = (id: string, customerId = customer) => ({ id, workspace_id: w.ws, channel: 'x', customer_id: customerId, subject: 'new', status: 'open', team_id: w.teamB, assignee_id: null, message_count: 1 });
    const newCustomer = (id: string): WriteOp => ({ op: 'insert', entity: 'customer', values: { id, workspace_id: w.ws, name: 'New', followers: 3, verified: false },
      identity: { channel: 'x', handle: `new-${id}`, platform_user_id: null } });
    // three cases: a message then its conversation moved to B (the message keeps A's key, the move carries both);
    // a conversation moved back to A then a message (the message follows the new row); a new conversation and its message;
    // a new customer (with its identity), their first conversation and its message
    const cases = (c: string, fresh: string, person = randomUUID(), theirs = randomUUID()): WriteOp[][] => [
      [{ op: 'insert', entity: 'message', values: message(c, 'first') }, { op: 'update', entity: 'conversation', id: c, patch: { assignee_id: w.agentB, team_id: w.teamB, message_count: sql('message_count + 1') } }],
      [{ op: 'update', entity: 'conversation', id: c, patch: { assignee_id: w.agentA, team_id: w.teamA } }, { op: 'insert', entity: 'message', values: message(c, 'second') }],
      [{ op: 'insert', entity: 'conversation', values: newConversation(fresh) }, { op: 'insert', entity: 'message', values: message(fresh, 'third') }],
      [newCustomer(person), { op: 'insert', entity: 'conversation', values: newConversation(theirs, person) }, { op: 'insert', entity: 'message', values: message(theirs, 'fourth') }],
    ];
    const before = await hub.log.maxSyncId();
    const returned: unknown[] = [];
    for (const ops of cases(one.id, randomUUID())) returned.push(...await hub.log.write((wr) => wr.writeAll(ops)));
    const middle = await hub.log.maxSyncId();
    for (const ops of cases(two.id, randomUUID())) {
      await hub.log.write(async (wr) => {
        for (const o of ops) {
          if (o.entity === 'customer') await wr.writeAll([o]); // a customer is inserted with its identity by writeAll alone
          else if (o.op === 'insert') await wr.insert(o.entity, o.values); else await wr.update(o.entity, o.id, o.patch);
        }
      });
    }
    const together = (await logged(before)).filter((c) => c.sync_id <= middle);
    const apart = await logged(middle);
    expect(together.map((c) => c.entity)).toEqual(['message', 'conversation', 'conversation', 'message', 'conversation', 'message', 'customer', 'conversation', 'message']);
    expect(together.map(shape)).toEqual(apart.map(shape));
    // the snapshots returned are the logged ones, and each row carries its change's sync id
    expect(returned).toEqual(together.map((c) => c.data));
    expect(together.map((c) => c.sync_id)).toEqual([...together.map((c) => c.sync_id)].sort((a, b) => a - b));
    const latest = new Map(together.map((c) => [c.entity_id, c])); // a row changed twice carries its later change's id
    for (const c of latest.values()) {
      const [row] = await db.query<{ sync_id: number }>(`SELECT sync_id FROM ${c.entity}s WHERE id = $1`, [c.entity_id]);
      expect(row.sync_id).toBe(c.sync_id);
    }
    expect(together[0].keys).toEqual([`a:${w.agentA}`]);
    expect([...together[1].keys].sort()).toEqual([`a:${w.agentA}`, `a:${w.agentB}`].sort());
    expect(together[3].keys).toEqual([`a:${w.agentA}`]);
    expect(together[5]).toMatchObject({ keys: [`q:${w.teamB}`], customer_id: customer });
    // the new customer's change lists the identity written in the same statement; their conversation and message carry them
    const person = together[6].entity_id;
    expect(together[6]).toMatchObject({ customer_id: person, data: { identities: [{ channel: 'x', handle: `new-${person}`, platform_user_id: null }] } });
    expect(together[7]).toMatchObject({ customer_id: person, keys: [`q:${w.teamB}`] });
    expect(together[8]).toMatchObject({ customer_id: person, keys: [`q:${w.teamB}`] });
    expect(together.slice(0, 6).map((c) => c.customer_id)).toEqual(apart.slice(0, 6).map((c) => c.customer_id));
  });

  it('a failing write fails the whole statement: nothing of it is stored', async () => {
    const one = await conversation(hub.log, w, { handle: 'cu-fail', assignee: w.agentA });
    const before = await hub.log.maxSyncId();
    await expect(hub.log.write((wr) => wr.writeAll([
      { op: 'insert', entity: 'message', values: message(one.id, 'kept?') },
      { op: 'update', entity: 'conversation', id: randomUUID(), patch: { snippet: 'nobody' } },
    ]))).rejects.toThrow(/not found/);
    expect(await logged(before)).toEqual([]);
    expect(await db.query('SELECT 1 FROM messages WHERE text = $1', ['kept?'])).toEqual([]);
  });
});
