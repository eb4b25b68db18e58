import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, ChangesPage } from '../../../shared/contract/hub-api';
import { checkpointWhenIdle, openCache, type Db } from '../db/open';
import { FTS_PENDING_BOUND, pendingCount } from '../db/fts';
import { conversationGet, inboxCounts, inboxList, markRead } from '../queries';
import { searchMessages } from '../search';
import { agent, conversation, customer, message, note } from '../../../testing/desktop/fixtures';
import { GapError, SyncApplier } from './apply';

let dir: string;
let db: Db;
let applier: SyncApplier;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-apply-'));
  db = openCache(dir);
  applier = new SyncApplier(db);
  applier.meta.set('agent', agent());
});
afterEach(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

const ids = (table: string) => db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all();
const page = (since: number, to: number, changes: Change[], extra: Partial<ChangesPage> = {}): ChangesPage =>
  ({ since, to, has_more: false, reset: false, changes, ...extra });

function seed() {
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'c1', customer_id: 'cu1', sync_id: 5 }), conversation({ id: 'c2', customer_id: 'cu1', assignee_id: 'someone', sync_id: 6 })],
    messages: [message({ id: 'm1', conversation_id: 'c1', sync_id: 7 }), message({ id: 'm2', conversation_id: 'c2', sync_id: 8 })],
    notes: [note({ id: 'n1', conversation_id: 'c2', sync_id: 9 })],
    customers: [customer({ id: 'cu1', sync_id: 4 })],
  });
  applier.finishBootstrap(10);
}

describe('bootstrap', () => {
  it('stores the snapshot, the watermark, and marks customers hydrated', () => {
    seed();
    expect(ids('conversations')).toEqual(['c1', 'c2']);
    expect(ids('messages')).toEqual(['m1', 'm2']);
    expect(applier.meta.get('last_sync_id')).toBe(10);
    expect(applier.meta.get('needs_bootstrap')).toBe(false);
    expect(applier.pendingHydrations()).toEqual([]);
    expect(inboxCounts(db)).toEqual({ mine: 1, team: 0, snoozed: 0, resolved: 0, unread: 1 });
  });

  it('counts a conversation of Mine as unread until it is opened, and again when the customer writes', () => {
    seed();
    markRead(db, 'c1');
    expect(inboxCounts(db).unread).toBe(0);
    // a read mark older than the customer's last message: unread again
    db.prepare('UPDATE read_marks SET read_at = ? WHERE conversation_id = ?').run('2000-01-01T00:00:00.000Z', 'c1');
    expect(inboxCounts(db).unread).toBe(1);
  });

  it('a re-bootstrap sweeps what the new snapshot no longer holds', () => {
    seed();
    applier.beginBootstrap();
    applier.applyBootstrapPage({ conversations: [conversation({ id: 'c3', customer_id: 'cu3', sync_id: 20 })], messages: [], notes: [], customers: [customer({ id: 'cu3', sync_id: 20 })] });
    applier.finishBootstrap(21);
    expect(ids('conversations')).toEqual(['c3']);
    expect(ids('messages')).toEqual([]);
    expect(ids('customers')).toEqual(['cu3']);
  });

  it('a re-bootstrap keeps unchanged rows (same sync_id)', () => {
    seed();
    applier.beginBootstrap();
    applier.applyBootstrapPage({ conversations: [conversation({ id: 'c1', customer_id: 'cu1', sync_id: 5 })], messages: [message({ id: 'm1', conversation_id: 'c1', sync_id: 7 })], notes: [], customers: [customer({ id: 'cu1', sync_id: 4 })] });
    applier.finishBootstrap(10);
    expect(ids('conversations')).toEqual(['c1']);
    expect(ids('messages')).toEqual(['m1']);
  });
});

describe('change pages', () => {
  it('newest wins: an older row never overwrites a newer one', () => {
    seed();
    applier.applyChangesPage(page(10, 12, [{ sync_id: 12, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', subject: 'new', sync_id: 12 }) }]));
    applier.applyChangesPage(page(12, 13, [{ sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', subject: 'old', sync_id: 11 }) }]));
    const data = JSON.parse(db.prepare("SELECT data FROM conversations WHERE id = 'c1'").pluck().get() as string);
    expect(data.subject).toBe('new');
    expect(applier.meta.get('last_sync_id')).toBe(13);
  });

  it('refuses a page that does not start at the checkpoint, and changes nothing', () => {
    seed();
    const gap = page(11, 14, [{ sync_id: 14, entity: 'message', op: 'upsert', data: message({ id: 'm9', conversation_id: 'c1', sync_id: 14 }) }]);
    expect(() => applier.applyChangesPage(gap)).toThrow(GapError);
    expect(ids('messages')).toEqual(['m1', 'm2']);
    expect(applier.meta.get('last_sync_id')).toBe(10);
  });

  it('reset asks for a new bootstrap without touching the checkpoint', () => {
    seed();
    const res = applier.applyChangesPage(page(10, 50, [], { reset: true }));
    expect(res.needsBootstrap).toBe(true);
    expect(applier.meta.get('needs_bootstrap')).toBe(true);
    expect(applier.meta.get('last_sync_id')).toBe(10);
  });

  it('a page is one transaction: a bad row rolls back the whole page', () => {
    seed();
    const bad = { ...message({ id: 'm9', conversation_id: 'c1', sync_id: 11 }), author_name: null } as unknown as ReturnType<typeof message>;
    expect(() => applier.applyChangesPage(page(10, 12, [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', subject: 'x', sync_id: 11 }) },
      { sync_id: 12, entity: 'message', op: 'upsert', data: bad },
    ]))).toThrow();
    expect(JSON.parse(db.prepare("SELECT data FROM conversations WHERE id = 'c1'").pluck().get() as string).subject).toBe('');
    expect(applier.meta.get('last_sync_id')).toBe(10);
  });

  it('prunes a customer whose last direct conversation left the scope, with history, messages and notes', () => {
    seed();
    applier.applyChangesPage(page(10, 11, [{ sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', assignee_id: 'other', sync_id: 11 }) }]));
    expect(ids('conversations')).toEqual([]);
    expect(ids('notes')).toEqual([]);
    expect(ids('customers')).toEqual([]);
    // the messages are deleted when sync is idle (migration 0140); until then no read shows them
    expect(() => conversationGet(db, 'c1', null, true)).toThrow(/not in the cache/);
    expect(searchMessages(db, 'hello', 10)).toEqual([]);
    checkpointWhenIdle(db);
    expect(ids('messages')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM prune_pending').pluck().get()).toBe(0);
  });

  it('a pruned conversation that comes back before idle starts from its new history, not the pruned one', () => {
    seed();
    applier.applyChangesPage(page(10, 11, [{ sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', assignee_id: 'other', sync_id: 11 }) }]));
    const res = applier.applyChangesPage(page(11, 13, [
      { sync_id: 12, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', sync_id: 12 }) },
      { sync_id: 13, entity: 'message', op: 'upsert', data: message({ id: 'm3', conversation_id: 'c1', text: 'hello again', sync_id: 13 }) },
    ]));
    expect(res.toHydrate).toEqual(['cu1']);
    // m1 was pruned: it is gone at once, not shown again; the new message stays through idle
    expect(conversationGet(db, 'c1', null, true).messages.map((m) => m.id)).toEqual(['m3']);
    expect(searchMessages(db, 'hello', 10).map((h) => h.message_id)).toEqual(['m3']);
    checkpointWhenIdle(db);
    expect(ids('messages')).toEqual(['m3']);
    // hydration brings the history back from the hub
    applier.applyHydrate(['cu1'], {
      conversations: [conversation({ id: 'c1', customer_id: 'cu1', sync_id: 12 }), conversation({ id: 'c2', customer_id: 'cu1', assignee_id: 'someone', sync_id: 6 })],
      messages: [message({ id: 'm1', conversation_id: 'c1', sync_id: 7 }), message({ id: 'm2', conversation_id: 'c2', sync_id: 8 }), message({ id: 'm3', conversation_id: 'c1', text: 'hello again', sync_id: 13 })],
      notes: [], customers: [customer({ id: 'cu1', sync_id: 4 })],
    });
    expect(ids('messages')).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps a customer while one direct conversation remains (team queue)', () => {
    seed();
    applier.applyChangesPage(page(10, 12, [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c2', customer_id: 'cu1', assignee_id: null, team_id: 'team-a', sync_id: 11 }) },
      { sync_id: 12, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', assignee_id: 'other', sync_id: 12 }) },
    ]));
    expect(ids('conversations')).toEqual(['c1', 'c2']);
    expect(inboxCounts(db)).toEqual({ mine: 0, team: 1, snoozed: 0, resolved: 0, unread: 0 });
  });

  it('the same conversation twice in one page: the later change compares with the earlier one, and the scope follows the last', () => {
    seed();
    // c1 leaves the scope then comes back, in one page: cu1 stays, with its history
    applier.applyChangesPage(page(10, 13, [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', assignee_id: 'other', sync_id: 11 }) },
      { sync_id: 12, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', priority: 'urgent', sync_id: 12 }) },
      { sync_id: 13, entity: 'message', op: 'upsert', data: message({ id: 'm3', conversation_id: 'c1', sync_id: 13 }) },
    ]));
    expect(ids('conversations')).toEqual(['c1', 'c2']);
    expect(ids('messages')).toEqual(['m1', 'm2', 'm3']);
    expect(inboxList(db, { tab: 'mine', sort: 'priority', offset: 0, limit: 10 }).items.map((c) => [c.id, c.priority])).toEqual([['c1', 'urgent']]);
    // it comes in, then leaves, in one page: cu1 is pruned with its history
    applier.applyChangesPage(page(13, 15, [
      { sync_id: 14, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', priority: 'low', sync_id: 14 }) },
      { sync_id: 15, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu1', assignee_id: 'other', sync_id: 15 }) },
    ]));
    expect(ids('conversations')).toEqual([]);
    expect(ids('customers')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM customer_scope').pluck().get()).toBe(0);
    checkpointWhenIdle(db);
    expect(ids('messages')).toEqual([]);
  });

  it('a conversation moving to another customer checks the customer it left', () => {
    seed();
    applier.applyChangesPage(page(10, 11, [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c1', customer_id: 'cu9', sync_id: 11 }) },
    ]));
    // cu1 kept only c2 (someone else's): out of the scope; cu9 entered it
    expect(ids('conversations')).toEqual(['c1']);
    expect(ids('customers')).toEqual([]);
    expect(applier.pendingHydrations()).toEqual(['cu9']);
  });

  it('a customer entering the scope is queued for hydration once', () => {
    seed();
    const res = applier.applyChangesPage(page(10, 11, [{ sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c7', customer_id: 'cu7', sync_id: 11 }) }]));
    expect(res.toHydrate).toEqual(['cu7']);
    expect(applier.pendingHydrations()).toEqual(['cu7']);
    const h = applier.applyHydrate(['cu7'], {
      conversations: [conversation({ id: 'c7', customer_id: 'cu7', sync_id: 11 }), conversation({ id: 'c8', customer_id: 'cu7', assignee_id: 'x', status: 'resolved', sync_id: 3 })],
      messages: [message({ id: 'm8', conversation_id: 'c8', sync_id: 3 })], notes: [], customers: [customer({ id: 'cu7', sync_id: 2 })],
    });
    expect(h.toHydrate).toEqual([]);
    expect(applier.pendingHydrations()).toEqual([]);
    expect(ids('conversations')).toEqual(['c1', 'c2', 'c7', 'c8']);
    expect(applier.meta.get('last_sync_id')).toBe(11);
  });

  it('teams changing on our agent record asks for a new bootstrap', () => {
    seed();
    const same = applier.applyChangesPage(page(10, 11, [{ sync_id: 11, entity: 'agent', op: 'upsert', data: agent({ name: 'Renamed' }) }]));
    expect(same.needsBootstrap).toBe(false);
    const changed = applier.applyChangesPage(page(11, 12, [{ sync_id: 12, entity: 'agent', op: 'upsert', data: agent({ team_ids: ['team-b'] }) }]));
    expect(changed.needsBootstrap).toBe(true);
    expect(applier.meta.get('agent')?.team_ids).toEqual(['team-b']);
  });
});

describe('inbox reads', () => {
  it('sorts a tab by SLA due (none last), priority or age', () => {
    applier.beginBootstrap();
    applier.applyBootstrapPage({
      conversations: [
        conversation({ id: 'a', customer_id: 'k', next_response_due_at: '2026-03-01T12:00:00.000Z', created_at: '2026-03-01T01:00:00.000Z' }),
        conversation({ id: 'b', customer_id: 'k', priority: 'urgent', created_at: '2026-03-01T02:00:00.000Z' }),
        conversation({ id: 'c', customer_id: 'k', next_response_due_at: '2026-03-01T10:00:00.000Z', created_at: '2026-03-01T03:00:00.000Z' }),
        conversation({ id: 'd', customer_id: 'k', status: 'snoozed' }),
      ], messages: [], notes: [], customers: [customer({ id: 'k', name: 'Kim' })],
    });
    applier.finishBootstrap(1);
    const list = (sort: 'sla' | 'priority' | 'age') => inboxList(db, { tab: 'mine', sort, offset: 0, limit: 10 }).items.map((i) => i.id);
    expect(list('sla')).toEqual(['c', 'a', 'b']);
    expect(list('priority')).toEqual(['b', 'c', 'a']);
    expect(list('age')).toEqual(['a', 'b', 'c']);
    const first = inboxList(db, { tab: 'mine', sort: 'sla', offset: 0, limit: 1 });
    expect(first.total).toBe(3);
    expect(first.items[0]).toMatchObject({ customer_name: 'Kim', customer_handle: '@k', unread: true });
    expect(inboxList(db, { tab: 'snoozed', sort: 'sla', offset: 0, limit: 10 }).items.map((i) => i.id)).toEqual(['d']);
  });
});

describe('writes that keep every index right', () => {
  const integrity = () => db.pragma('integrity_check', { simple: true });
  const ftsIntegrity = () => db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");

  it('a conversation changing in place (data only, priority/SLA, tab, customer) keeps the inbox orders and the customer index right', () => {
    applier.beginBootstrap();
    applier.applyBootstrapPage({
      conversations: [
        conversation({ id: 'a', customer_id: 'k', created_at: '2026-03-01T01:00:00.000Z', sync_id: 1 }),
        conversation({ id: 'b', customer_id: 'k', created_at: '2026-03-01T02:00:00.000Z', sync_id: 2 }),
        conversation({ id: 'c', customer_id: 'j', created_at: '2026-03-01T03:00:00.000Z', sync_id: 3 }),
      ], messages: [], notes: [], customers: [customer({ id: 'k', sync_id: 1 }), customer({ id: 'j', sync_id: 1 })],
    });
    applier.finishBootstrap(3);
    const list = (tab: 'mine' | 'snoozed', sort: 'sla' | 'priority' | 'age') => inboxList(db, { tab, sort, offset: 0, limit: 10 }).items.map((i) => i.id);
    expect(list('mine', 'priority')).toEqual(['a', 'b', 'c']);
    applier.applyChangesPage(page(3, 7, [
      // data only: subject; the same conversation twice in a page, newest last
      { sync_id: 4, entity: 'conversation', op: 'upsert', data: conversation({ id: 'a', customer_id: 'k', created_at: '2026-03-01T01:00:00.000Z', subject: 'first', sync_id: 4 }) },
      { sync_id: 5, entity: 'conversation', op: 'upsert', data: conversation({ id: 'a', customer_id: 'k', created_at: '2026-03-01T01:00:00.000Z', subject: 'second', sync_id: 5 }) },
      // priority and SLA: moves in the sla and priority orders
      { sync_id: 6, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c', customer_id: 'j', created_at: '2026-03-01T03:00:00.000Z', priority: 'urgent', next_response_due_at: '2026-03-01T09:00:00.000Z', sync_id: 6 }) },
      // tab: snoozed
      { sync_id: 7, entity: 'conversation', op: 'upsert', data: conversation({ id: 'b', customer_id: 'k', created_at: '2026-03-01T02:00:00.000Z', status: 'snoozed', sync_id: 7 }) },
    ]));
    expect(list('mine', 'priority')).toEqual(['c', 'a']);
    expect(list('mine', 'sla')).toEqual(['c', 'a']);
    expect(list('mine', 'age')).toEqual(['a', 'c']);
    expect(list('snoozed', 'age')).toEqual(['b']);
    expect(JSON.parse(db.prepare("SELECT data FROM conversations WHERE id = 'a'").pluck().get() as string).subject).toBe('second');
    // customer: c moves from j to k; j has nothing left in scope and is pruned
    applier.applyChangesPage(page(7, 8, [{ sync_id: 8, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c', customer_id: 'k', created_at: '2026-03-01T03:00:00.000Z', sync_id: 8 }) }]));
    expect(db.prepare("SELECT id FROM conversations WHERE customer_id = 'k' ORDER BY id").pluck().all()).toEqual(['a', 'b', 'c']);
    expect(ids('customers')).toEqual(['k']);
    // an older version changes nothing, whichever keys it carries
    applier.applyChangesPage(page(8, 9, [{ sync_id: 2, entity: 'conversation', op: 'upsert', data: conversation({ id: 'a', customer_id: 'k', status: 'resolved', priority: 'low', sync_id: 2 }) }]));
    expect(list('mine', 'age')).toEqual(['a', 'c']);
    expect(integrity()).toBe('ok');
  });

  it('the full-text index stays whole through change pages, prunes and idle merges, and finds the newest messages', () => {
    seed();
    let at = 10;
    for (let p = 0; p < 30; p++) {
      const changes: Change[] = [];
      for (let k = 0; k < 20; k++) {
        const conv = `p${p}c${k}`;
        changes.push({ sync_id: at + 1, entity: 'conversation', op: 'upsert', data: conversation({ id: conv, customer_id: `cu-${p}-${k}`, sync_id: at + 1 }) });
        changes.push({ sync_id: at + 2, entity: 'message', op: 'upsert', data: message({ id: `${conv}-m`, conversation_id: conv, text: `parcel number${p}x${k} delayed`, sync_id: at + 2 }) });
        at += 2;
      }
      // the previous page's first conversation leaves the scope: its customer is pruned with its messages
      if (p > 0) changes.push({ sync_id: ++at, entity: 'conversation', op: 'upsert', data: conversation({ id: `p${p - 1}c0`, customer_id: `cu-${p - 1}-0`, assignee_id: 'other', sync_id: at }) });
      applier.applyChangesPage(page(applier.meta.get('last_sync_id'), at, changes));
      if (p % 3 === 0) checkpointWhenIdle(db);
    }
    // the last pages' messages still wait for the index (migration 0110): search is exact before and after
    expect(pendingCount(db)).toBeGreaterThan(0);
    const searches = () => {
      expect(searchMessages(db, 'number29x', 50).map((h) => h.message_id)).toEqual(Array.from({ length: 20 }, (_, k) => `p29c${19 - k}-m`));
      expect(searchMessages(db, 'number3x0', 50)).toEqual([]);
      expect(searchMessages(db, 'parcel delay', 1000)).toHaveLength(30 * 20 - 29);
      expect(searchMessages(db, 'parcel delay', 30).map((h) => h.message_id)).toEqual([
        ...Array.from({ length: 20 }, (_, k) => `p29c${19 - k}-m`), ...Array.from({ length: 10 }, (_, k) => `p28c${19 - k}-m`)]);
    };
    searches();
    checkpointWhenIdle(db);
    expect(pendingCount(db)).toBe(0);
    ftsIntegrity();
    searches();
    expect(integrity()).toBe('ok');
  });

  it('a message applied by a change page is found at once and after idle indexing; a pruned one is found neither way', () => {
    seed();
    applier.applyChangesPage(page(10, 13, [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c9', customer_id: 'cu9', sync_id: 11 }) },
      { sync_id: 12, entity: 'message', op: 'upsert', data: message({ id: 'm9', conversation_id: 'c9', text: 'My Café order_id 77 never came', sync_id: 12 }) },
      { sync_id: 13, entity: 'customer', op: 'upsert', data: customer({ id: 'cu9', name: 'Noor', sync_id: 13 }) },
    ]));
    expect(pendingCount(db)).toBe(1);
    const found = (q: string) => searchMessages(db, q, 10).map((h) => h.message_id);
    const before = searchMessages(db, 'cafe orde', 10);
    expect(before).toEqual([{ message_id: 'm9', conversation_id: 'c9', created_at: expect.any(String), customer_name: 'Noor', snippet: 'My [Café] [order]_id 77 never came' }]);
    expect(found('order_id 77')).toEqual(['m9']);
    expect(found('order 77 nev')).toEqual(['m9']);
    expect(found('id_order')).toEqual([]);
    expect(found('came never x')).toEqual([]);
    checkpointWhenIdle(db);
    expect(pendingCount(db)).toBe(0);
    // the index answers the same (its snippet included) once the message is indexed
    expect(searchMessages(db, 'cafe orde', 10)).toEqual(before);
    expect(found('order_id 77')).toEqual(['m9']);

    // an edit waiting for the index: the old words no longer find it, the new ones do
    applier.applyChangesPage(page(13, 14, [{ sync_id: 14, entity: 'message', op: 'upsert', data: message({ id: 'm9', conversation_id: 'c9', text: 'parcel arrived, thanks', sync_id: 14 }) }]));
    expect(found('cafe')).toEqual([]);
    expect(found('arriv')).toEqual(['m9']);
    checkpointWhenIdle(db);
    expect(found('cafe')).toEqual([]);
    expect(found('arriv')).toEqual(['m9']);

    // c9 leaves the scope: cu9 is pruned; m9 waits to be deleted (migration 0140), then its index entry
    applier.applyChangesPage(page(14, 15, [{ sync_id: 15, entity: 'conversation', op: 'upsert', data: conversation({ id: 'c9', customer_id: 'cu9', assignee_id: 'other', sync_id: 15 }) }]));
    expect(found('arriv')).toEqual([]);
    checkpointWhenIdle(db);
    expect(ids('messages')).toEqual(['m1', 'm2']);
    expect(pendingCount(db)).toBe(0);
    expect(found('arriv')).toEqual([]);
    ftsIntegrity();
  });

  it('change pages index their backlog inline once it passes the bound; bootstrap pages index as they go', () => {
    seed(); // a bootstrap page indexes what it wrote
    expect(pendingCount(db)).toBe(0);
    let at = 10;
    const flood = (n: number) => {
      const changes: Change[] = [];
      for (let k = 0; k < n; k++) {
        changes.push({ sync_id: ++at, entity: 'message', op: 'upsert', data: message({ id: `f${at}`, conversation_id: 'c1', text: `flood ${at}`, sync_id: at }) });
      }
      applier.applyChangesPage(page(applier.meta.get('last_sync_id'), at, changes));
    };
    flood(FTS_PENDING_BOUND);
    expect(pendingCount(db)).toBe(FTS_PENDING_BOUND);
    flood(1);
    expect(pendingCount(db)).toBe(0);
    ftsIntegrity();
    expect(searchMessages(db, 'flood', 2 * FTS_PENDING_BOUND)).toHaveLength(FTS_PENDING_BOUND + 1);
  });
});
