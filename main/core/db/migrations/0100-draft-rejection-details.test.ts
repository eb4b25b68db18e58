import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';

describe('0100 draft-rejection-details', () => {
  it('keeps drafts and adds the rejection details column', () => {
    const db = new Database(':memory:');
    migrate(db, 50);
    db.prepare("INSERT INTO drafts(conversation_id, text, visibility, updated_at, rejected_code, rejected_message) VALUES ('c1', 'hi', 'public', 'now', 'collision', 'Bo replied')").run();
    const before = db.prepare('SELECT * FROM drafts').all();
    migrate(db, 100);
    expect(db.prepare('SELECT conversation_id, text, visibility, updated_at, rejected_code, rejected_message FROM drafts').all()).toEqual(before);
    expect(db.prepare('SELECT rejected_details FROM drafts').pluck().get()).toBeNull();
    db.prepare("UPDATE drafts SET rejected_details = '{\"confirm_token\":\"t\"}'").run();
    expect(JSON.parse(db.prepare('SELECT rejected_details FROM drafts').pluck().get() as string)).toEqual({ confirm_token: 't' });
  });
});
