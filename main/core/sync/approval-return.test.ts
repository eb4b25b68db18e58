/**
 * A reply an approver rejected (hub/approvals) reaches the desktop as its message in delivery
 * 'rejected': the desktop asks the hub for it (`take_back_rejected`, once per desktop), and the hub
 * hands its text to the first of the author's desktops that asks; that one puts it back in the
 * composer as the draft, with the approver's note. Never for someone else's reply or a conversation
 * no longer the agent's to answer. (Across two desktops with a real hub: approval-return-desktops.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, ChangesPage } from '../../../shared/contract/hub-api';
import { openCache, type Db } from '../db/open';
import { getDraft, saveDraft } from '../drafts';
import { Outbox } from '../outbox';
import { agent, conversation, customer, message } from '../../../testing/desktop/fixtures';
import { SyncApplier } from './apply';

let dir: string;
let db: Db;
let applier: SyncApplier;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-approval-return-'));
  db = openCache(dir);
  applier = new SyncApplier(db);
  applier.meta.set('agent', agent());
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'c1', sync_id: 2 }), conversation({ id: 'c2', sync_id: 3, status: 'resolved' })],
    messages: [message({ id: 'm0', conversation_id: 'c1', sync_id: 4 })], notes: [], customers: [customer({ id: 'cu1', sync_id: 1 })],
  });
  applier.finishBootstrap(10);
});
afterEach(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

/** the cache's checkpoint, and the sync ids handed out */
let checkpoint = 10;
let ids = 10;
const apply = (...changes: Change[]) => {
  const to = Math.max(...changes.map((c) => c.sync_id));
  applier.applyChangesPage({ since: checkpoint, to, has_more: false, reset: false, changes } satisfies ChangesPage);
  checkpoint = to;
};
const reply = (over: Partial<Parameters<typeof message>[0]> & { id: string; conversation_id: string }): Change => {
  const sync_id = ++ids;
  return { sync_id, entity: 'message', op: 'upsert', data: message({
    direction: 'outbound', author_id: 'ag-me', author_name: 'Me', text: 'We will sue the courier', sync_id, ...over,
  }) } as Change;
};

/** The take-backs this desktop queued, answered by the hub: the text (first desktop) or a refusal (another took it). */
const hubAnswers = (answer: 'text' | 'taken' = 'text') => {
  const outbox = new Outbox(db);
  const rows = outbox.all().filter((r) => r.type === 'take_back_rejected');
  outbox.settle(rows.map((r) => {
    const { message_id } = JSON.parse(r.args) as { message_id: string };
    return answer === 'text'
      ? { id: r.id, ok: true as const, value: { message_id, text: 'We will sue the courier', visibility: 'public', note: 'rejected by Sam: no legal talk' } }
      : { id: r.id, ok: false as const, error: { code: 'not_found' as const, message: 'another desktop of yours took it back already' } };
  }));
  return rows.length;
};

describe('a rejected reply comes back to the composer', () => {
  beforeEach(() => { checkpoint = 10; ids = 10; });

  it('as the draft, with the approver\'s note, once', () => {
    apply(reply({ id: 'r1', conversation_id: 'c1', delivery: 'awaiting_approval', delivery_error: 'awaiting approval: agent in training' }));
    expect(getDraft(db, 'c1')).toBeNull();
    apply(reply({ id: 'r1', conversation_id: 'c1', delivery: 'rejected', delivery_error: 'rejected by Sam: no legal talk' }));
    // asked for, not put back yet: the hub says which of the author's desktops gets it
    expect(getDraft(db, 'c1')).toBeNull();
    expect(hubAnswers()).toBe(1);
    expect(getDraft(db, 'c1')).toMatchObject({
      text: 'We will sue the courier', visibility: 'public',
      rejected: { code: 'approval_rejected', message: 'rejected by Sam: no legal talk', id: 'r1' },
    });
    // the agent reworks it; the same message again (a later page, a re-bootstrap) does not bring the old text back
    saveDraft(db, 'c1', 'Please DM us', 'public', 'r1');
    apply(reply({ id: 'r1', conversation_id: 'c1', delivery: 'rejected', delivery_error: 'rejected by Sam: no legal talk' }));
    expect(hubAnswers()).toBe(0);
    expect(getDraft(db, 'c1')?.text).toBe('Please DM us');
  });

  it('not when another desktop of the agent took it back first', () => {
    apply(reply({ id: 'r5', conversation_id: 'c1', delivery: 'rejected', delivery_error: 'rejected by Sam: no legal talk' }));
    expect(hubAnswers('taken')).toBe(1);
    expect(getDraft(db, 'c1')).toBeNull();
    expect(new Outbox(db).all()).toEqual([]);
  });

  it('kept beside what the agent was writing meanwhile', () => {
    saveDraft(db, 'c1', 'a newer thought', 'public');
    apply(reply({ id: 'r2', conversation_id: 'c1', delivery: 'rejected', delivery_error: 'rejected by Sam: tone' }));
    hubAnswers();
    expect(getDraft(db, 'c1')?.text).toBe('We will sue the courier\n\na newer thought');
  });

  it('not for another agent\'s reply, nor in a conversation that is resolved', () => {
    apply(reply({ id: 'r3', conversation_id: 'c1', author_id: 'ag-other', delivery: 'rejected', delivery_error: 'rejected by Sam: x' }));
    apply(reply({ id: 'r4', conversation_id: 'c2', delivery: 'rejected', delivery_error: 'rejected by Sam: x' }));
    expect(hubAnswers()).toBe(0);
    expect(getDraft(db, 'c1')).toBeNull();
    expect(getDraft(db, 'c2')).toBeNull();
  });
});
