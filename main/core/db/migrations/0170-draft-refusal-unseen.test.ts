import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';

describe('0170 draft-refusal-unseen', () => {
  it('keeps drafts (a refused one reads as already shown) and adds the refusal id and its unseen text', () => {
    const db = new Database(':memory:');
    migrate(db, 160);
    db.prepare("INSERT INTO drafts(conversation_id, text, visibility, updated_at, rejected_code, rejected_message) VALUES ('c1', 'hi', 'public', 'now', 'collision', 'Bo replied')").run();
    const before = db.prepare('SELECT * FROM drafts').all();
    migrate(db, 170);
    expect(db.prepare('SELECT conversation_id, text, visibility, updated_at, rejected_code, rejected_message, rejected_details FROM drafts').all()).toEqual(before);
    expect(db.prepare('SELECT refusal_id, refused_text FROM drafts').get()).toEqual({ refusal_id: null, refused_text: null });
  });
});
