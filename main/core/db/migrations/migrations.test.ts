import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, schemaVersion } from '../migrate';
import { MIGRATIONS } from '.';

/** Each migration: create → migrate to N-1 → insert → migrate to N → the earlier rows are unchanged and the new schema works. */
const fresh = () => new Database(':memory:');
const dump = (db: Database.Database, table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();

describe('migration runner', () => {
  it('numbers only go up and the list is ordered', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('records the version and is idempotent', () => {
    const db = fresh();
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
  });

  it('refuses a database from the future and never goes down', () => {
    const db = fresh();
    migrate(db);
    expect(() => migrate(db, 10)).toThrow(/cannot migrate down/);
    db.pragma(`user_version = ${LATEST_VERSION + 10}`);
    expect(() => migrate(db)).toThrow(/newer than this build/);
  });

  it('a failing migration leaves the previous version intact', () => {
    const db = fresh();
    const broken = [...MIGRATIONS, { version: 9999, name: 'broken', up: (d: Database.Database) => { d.exec('CREATE TABLE x(a)'); throw new Error('boom'); } }];
    expect(() => migrate(db, 9999, broken)).toThrow('boom');
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'x'").pluck().get()).toBe(0);
  });
});

describe('0010 create-meta', () => {
  it('creates meta and settings from an empty database', () => {
    const db = fresh();
    migrate(db, 10);
    db.prepare("INSERT INTO meta VALUES ('last_sync_id', '5')").run();
    db.prepare("INSERT INTO settings VALUES ('keymap', '{}')").run();
    expect(dump(db, 'meta')).toEqual([{ key: 'last_sync_id', value: '5' }]);
  });
});

describe('0020 create-conversations', () => {
  it('keeps meta rows and adds conversations', () => {
    const db = fresh();
    migrate(db, 10);
    db.prepare("INSERT INTO meta VALUES ('last_sync_id', '5')").run();
    const before = dump(db, 'meta');
    migrate(db, 20);
    expect(dump(db, 'meta')).toEqual(before);
    db.prepare(`INSERT INTO conversations(id, customer_id, status, channel, tab, sla_key, priority_rank, created_at, sync_id, data)
      VALUES ('c1', 'cu1', 'open', 'x', 'mine', '9999', 1, '2026-01-01T00:00:00.000Z', 3, '{}')`).run();
    expect(db.prepare("SELECT id FROM conversations WHERE tab = 'mine'").pluck().all()).toEqual(['c1']);
  });
});

describe('0030 create-messages', () => {
  it('keeps conversations and indexes new messages for full-text search', () => {
    const db = fresh();
    migrate(db, 20);
    db.prepare(`INSERT INTO conversations(id, customer_id, status, channel, tab, sla_key, priority_rank, created_at, sync_id, data)
      VALUES ('c1', 'cu1', 'open', 'x', 'mine', '9999', 1, '2026-01-01T00:00:00.000Z', 3, '{}')`).run();
    const before = dump(db, 'conversations');
    migrate(db, 30);
    expect(dump(db, 'conversations')).toEqual(before);
    const ins = db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES (?, 'c1', 'inbound', 'public', 'a', ?, 'received', '2026-01-01T00:00:00.000Z', 1)`);
    ins.run('m1', 'my parcel never arrived');
    ins.run('m2', 'refund please');
    const match = (q: string) => db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ?').pluck().all(q);
    expect(match('parc*')).toEqual(['m1']);
    db.prepare("UPDATE messages SET text = 'parcel refund' WHERE id = 'm1'").run();
    expect(match('refund')).toEqual(['m1', 'm2']);
    db.prepare("DELETE FROM messages WHERE id = 'm2'").run();
    expect(match('refund')).toEqual(['m1']);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  });
});

describe('0040 create-customers-notes', () => {
  it('keeps messages and adds customers, notes and the customer scope', () => {
    const db = fresh();
    migrate(db, 30);
    db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES ('m1', 'c1', 'inbound', 'public', 'a', 'hello', 'received', '2026-01-01T00:00:00.000Z', 1)`).run();
    const before = dump(db, 'messages');
    migrate(db, 40);
    expect(dump(db, 'messages')).toEqual(before);
    db.prepare("INSERT INTO customers(id, sync_id, data) VALUES ('cu1', 1, '{}')").run();
    db.prepare("INSERT INTO notes(id, conversation_id, created_at, sync_id, data) VALUES ('n1', 'c1', '2026-01-01', 1, '{}')").run();
    db.prepare("INSERT INTO customer_scope(customer_id) VALUES ('cu1')").run();
    expect(db.prepare('SELECT hydrated FROM customer_scope').pluck().get()).toBe(0);
  });
});

describe('0050 create-local-state', () => {
  it('keeps customers and adds drafts, outbox (ordered) and read marks', () => {
    const db = fresh();
    migrate(db, 40);
    db.prepare("INSERT INTO customers(id, sync_id, data) VALUES ('cu1', 1, '{\"name\":\"A\"}')").run();
    const before = dump(db, 'customers');
    migrate(db, 50);
    expect(dump(db, 'customers')).toEqual(before);
    db.prepare("INSERT INTO drafts(conversation_id, text, visibility, updated_at) VALUES ('c1', 'hi', 'public', 'now')").run();
    const ins = db.prepare("INSERT INTO outbox(id, type, args, conversation_id, created_at) VALUES (?, 'reply', '{}', 'c1', 'now')");
    ins.run('b'); ins.run('a');
    expect(db.prepare("SELECT id FROM outbox WHERE state = 'pending' ORDER BY seq").pluck().all()).toEqual(['b', 'a']);
    db.prepare("INSERT INTO read_marks VALUES ('c1', 'now')").run();
  });
});

describe('0060 fts-merge-when-idle', () => {
  it('keeps messages and their index, turns FTS automerge off, and an idle merge keeps search right', () => {
    const db = fresh();
    migrate(db, 50);
    const ins = db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES (?, 'c1', 'inbound', 'public', 'a', ?, 'received', '2026-01-01T00:00:00.000Z', 1)`);
    ins.run('m1', 'my parcel never arrived');
    const before = dump(db, 'messages');
    const automerge = () => db.prepare("SELECT v FROM messages_fts_config WHERE k = 'automerge'").pluck().get();
    expect(automerge()).toBeUndefined();
    migrate(db, 60);
    expect(dump(db, 'messages')).toEqual(before);
    expect(automerge()).toBe(0);
    // many small transactions leave many segments; the idle merge folds them and search still answers
    for (let i = 2; i < 40; i++) ins.run(`m${i}`, `refund number ${i} parcel`);
    const match = (q: string) => db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(q);
    expect(match('parc*')).toBe(39);
    db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', 500)").run();
    expect(match('parc*')).toBe(39);
    expect(match('refund')).toBe(38);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  });
});
