/**
 * The outbox: mutations the agent made, kept durably until the hub has answered them.
 * Queued in one synchronous=FULL transaction (with the draft they came from), drained in
 * order, acknowledged by mutation id (the hub is idempotent by id, so resending is safe).
 * An id names one payload for ever (the hub answers another payload under a used id with 409
 * id_reused): every queued change gets a fresh id, a queued row's payload is never rewritten
 * (db migration 0160 refuses it), so an edited draft is queued again under a new id.
 */
import { randomUUID } from 'node:crypto';
import { RECORD_MUTATIONS, type MutationResult, type MutationType, type RejectionCode } from '../../shared/contract/hub-api';
import type { Conversation, Visibility } from '../../shared/domain';
import type { Db } from './db/open';
import { durableTransaction } from './db/open';
import { restoreRefusedNote, restoreRejected, takeDraftForSend, type RefusalSeen } from './drafts';
import { convRow } from './sync/apply';
import type { ScopeOwner } from './sync/scope';

/** `message_id`: the id the synced row will carry — the message id of a reply, the note id of a note. */
export interface OutboxRow {
  seq: number; id: string; type: MutationType; args: string; conversation_id: string;
  message_id: string | null; depends_on: string | null; state: 'pending' | 'acked' | 'failed';
  attempts: number; last_error: string | null; created_at: string;
  /** the macro or bulk action that queued it (actions/runs.ts), and until when it is held for its undo window (ISO) */
  run_id: string | null; held_until: string | null;
}

export interface QueuedMutation {
  type: MutationType; args: Record<string, unknown>; conversation_id: string; message_id?: string; depends_on?: string;
  /** its id, when another queued row must name it (depends_on); a fresh one otherwise */
  id?: string;
  run_id?: string; held_until?: string;
}

export class Outbox {
  constructor(private readonly db: Db) {}

  /** Queues mutations (and runs `alsoInTx` — e.g. clearing the draft) in ONE durable transaction. */
  enqueue(mutations: QueuedMutation[], alsoInTx?: () => void): string[] {
    const insert = this.db.prepare(`INSERT INTO outbox(id, type, args, conversation_id, message_id, depends_on, created_at, run_id, held_until)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return durableTransaction(this.db, () => {
      const ids: string[] = [];
      const now = new Date().toISOString();
      for (const m of mutations) {
        const id = m.id ?? randomUUID();
        insert.run(id, m.type, JSON.stringify(m.args), m.conversation_id, m.message_id ?? null, m.depends_on ?? null, now, m.run_id ?? null, m.held_until ?? null);
        ids.push(id);
      }
      alsoInTx?.();
      return ids;
    });
  }

  /** reply.send: the draft becomes an outbox reply (plus a resolve when asked) in one durable commit. */
  queueReply(owner: ScopeOwner, conversationId: string, text: string, visibility: Visibility, resolve: boolean,
    collision: { seen_up_to?: string | null; confirm_collision?: string | null } = {}, refusalSeen?: RefusalSeen): { message_id: string } {
    const messageId = randomUUID();
    const replyId = randomUUID();
    const insert = this.db.prepare(`INSERT INTO outbox(id, type, args, conversation_id, message_id, depends_on, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    durableTransaction(this.db, () => {
      const now = new Date().toISOString();
      insert.run(replyId, 'reply', JSON.stringify({ conversation_id: conversationId, message_id: messageId, text, visibility, ...collision }), conversationId, messageId, null, now);
      if (resolve) {
        insert.run(randomUUID(), 'set_status', JSON.stringify({ conversation_id: conversationId, status: 'resolved' }), conversationId, null, replyId, now);
        this.applyLocally(owner, conversationId, { status: 'resolved' });
      }
      takeDraftForSend(this.db, conversationId, text, refusalSeen);
    });
    return { message_id: messageId };
  }

  /**
   * Shows a queued change in the cache right away (the inbox moves the conversation), keeping
   * the row's sync_id so the hub's next version of the row replaces it.
   */
  applyLocally(owner: ScopeOwner, conversationId: string, patch: Partial<Conversation>): void {
    const raw = this.db.prepare('SELECT data, gen FROM conversations WHERE id = ?').get(conversationId) as { data: string; gen: number } | undefined;
    if (!raw) return;
    const next = { ...(JSON.parse(raw.data) as Conversation), ...patch };
    const r = convRow(next, owner, raw.gen);
    this.db.prepare(`UPDATE conversations SET assignee_id = @assignee_id, team_id = @team_id, status = @status, tab = @tab,
      priority_rank = @priority_rank, data = @data WHERE id = @id`).run(r);
  }

  /** Everything not sent yet (the sync engine pulls only when this is 0). */
  pendingCount(): number {
    return this.db.prepare("SELECT count(*) FROM outbox WHERE state = 'pending'").pluck().get() as number;
  }

  /** Changes the agent made that are not sent yet (the status bar's outbox; handle-time spans and suggestion feedback are not the agent's changes). */
  pendingChanges(): number {
    return this.db.prepare(`SELECT count(*) FROM outbox WHERE state = 'pending' AND type NOT IN (${RECORD_MUTATIONS.map((t) => `'${t}'`).join(', ')})`).pluck().get() as number;
  }

  /**
   * The next batch to send, in order. A mutation never rides in the same batch as the one it depends on.
   * A row held for its undo window (held_until after `now`) stops the batch: it and everything queued
   * after it wait, so the order of the agent's changes is kept.
   */
  nextBatch(max: number, now = Date.now()): OutboxRow[] {
    const rows = this.db.prepare("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?").all(max) as OutboxRow[];
    const batch: OutboxRow[] = [];
    const ids = new Set<string>();
    const at = new Date(now).toISOString();
    for (const r of rows) {
      if (r.held_until !== null && r.held_until > at) break;
      if (r.depends_on && ids.has(r.depends_on)) break;
      batch.push(r);
      ids.add(r.id);
    }
    return batch;
  }

  /** When the earliest held row is due (ms since the epoch), or null when nothing is held. */
  heldUntil(): number | null {
    const at = this.db.prepare("SELECT min(held_until) FROM outbox WHERE state = 'pending' AND held_until IS NOT NULL").pluck().get() as string | null;
    return at === null ? null : Date.parse(at);
  }

  all(): OutboxRow[] {
    return this.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[];
  }

  noteAttempt(ids: string[], error: string): void {
    const stmt = this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?');
    this.db.transaction(() => { for (const id of ids) stmt.run(error, id); })();
  }

  /**
   * Records the hub's answers in one transaction. Accepted replies and notes stay as 'acked'
   * until the synced row arrives (no flicker in the thread); a refused reply or note becomes the conversation's draft with the
   * reason; a refused change to a conversation drops its dependants and asks for the
   * customer's history again so the cache shows the hub's truth. Returns touched conversations.
   */
  settle(results: MutationResult[]): { conversationIds: string[]; rehydrate: string[] } {
    const byId = this.db.prepare('SELECT * FROM outbox WHERE id = ?');
    const del = this.db.prepare('DELETE FROM outbox WHERE id = ?');
    const ack = this.db.prepare("UPDATE outbox SET state = 'acked', last_error = NULL WHERE id = ?");
    // messages are keyed by (conversation_id, id) (db migration 0120)
    const syncedMessage = this.db.prepare('SELECT 1 FROM messages WHERE conversation_id = ? AND id = ?').pluck();
    const syncedNote = this.db.prepare('SELECT 1 FROM notes WHERE id = ?').pluck();
    const dependants = this.db.prepare("SELECT * FROM outbox WHERE depends_on = ? AND state = 'pending'");
    const customerOf = this.db.prepare('SELECT customer_id FROM conversations WHERE id = ?').pluck();
    const conversationIds = new Set<string>();
    const rehydrate = new Set<string>();
    const outcome = this.db.prepare('UPDATE action_items SET state = ?, code = ?, message = ? WHERE outbox_id = ?');
    const takeBack = (row: OutboxRow, value: Record<string, unknown>) => {
      const v = value as { message_id?: unknown; text?: unknown; visibility?: unknown; note?: unknown };
      if (typeof v.text !== 'string' || typeof v.message_id !== 'string') return;
      restoreRejected(this.db, row.conversation_id, v.text, v.visibility === 'private' ? 'private' : 'public', 'approval_rejected',
        typeof v.note === 'string' ? v.note : 'not approved', undefined, v.message_id);
    };
    const refuse = (row: OutboxRow, code: RejectionCode, message: string, details?: Record<string, unknown>) => {
      del.run(row.id);
      // another desktop of this agent took the rejected reply back, or the conversation is no longer theirs: nothing to put back
      if (row.type === 'take_back_rejected') return;
      // a macro's or bulk action's summary says so (actions/runs.ts): a refusal is never dropped silently
      if (row.run_id) outcome.run('refused', code, message, row.id);
      const args = JSON.parse(row.args) as { text?: string; visibility?: Visibility };
      if (row.type === 'reply' && args.text !== undefined) {
        restoreRejected(this.db, row.conversation_id, args.text, args.visibility ?? 'public', code, message, details, row.id);
      } else if (row.type === 'note' && args.text !== undefined) {
        // an internal note (a handover summary among them) comes back as a note draft, never into the
        // reply draft: from there the agent could send it to the customer
        restoreRefusedNote(this.db, row.conversation_id, args.text, code, `note refused: ${message}`, row.id);
      } else if (row.type === 'update_customer' && typeof (args as { notes?: unknown }).notes === 'string') {
        // customer notes the hub refused come back as a note draft, so what the agent typed is not lost
        restoreRefusedNote(this.db, row.conversation_id, (args as { notes: string }).notes, code, `customer notes not saved: ${message}`, row.id);
        const customer = customerOf.get(row.conversation_id) as string | undefined;
        if (customer) rehydrate.add(customer);
      } else {
        const customer = customerOf.get(row.conversation_id) as string | undefined;
        if (customer) rehydrate.add(customer);
      }
      for (const d of dependants.all(row.id) as OutboxRow[]) refuse(d, code, `not applied: ${message}`);
    };
    durableTransaction(this.db, () => {
      for (const res of results) {
        const row = byId.get(res.id) as OutboxRow | undefined;
        if (!row) continue;
        conversationIds.add(row.conversation_id);
        if (res.ok) {
          if (row.run_id) outcome.run('applied', null, null, row.id);
          // the hub gave this desktop the rejected reply's text (sync/apply.ts): back to the composer with the note
          if (row.type === 'take_back_rejected') takeBack(row, res.value);
          const waitForSync = row.message_id !== null
            && ((row.type === 'reply' && syncedMessage.get(row.conversation_id, row.message_id) === undefined) || (row.type === 'note' && syncedNote.get(row.message_id) === undefined));
          if (waitForSync) ack.run(row.id);
          else del.run(row.id);
        } else {
          refuse(row, res.error.code, res.error.message, res.error.details);
        }
      }
      const mark = this.db.prepare('UPDATE customer_scope SET hydrated = 0 WHERE customer_id = ?');
      for (const c of rehydrate) mark.run(c);
    });
    return { conversationIds: [...conversationIds], rehydrate: [...rehydrate] };
  }

  /**
   * The same change in the same place in line under a new mutation id (the hub refused the old id as
   * used for another payload: ours was never applied). Mutations that wait on it wait on the new id.
   */
  requeueUnderNewId(id: string): string {
    const fresh = randomUUID();
    durableTransaction(this.db, () => {
      const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
      if (!row) return;
      this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
      this.db.prepare(`INSERT INTO outbox(seq, id, type, args, conversation_id, message_id, depends_on, state, attempts, last_error, created_at, run_id, held_until)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, NULL, ?, ?, ?)`).run(row.seq, fresh, row.type, row.args, row.conversation_id, row.message_id, row.depends_on, row.created_at, row.run_id, row.held_until);
      this.db.prepare('UPDATE outbox SET depends_on = ? WHERE depends_on = ?').run(fresh, id);
      this.db.prepare('UPDATE action_items SET outbox_id = ? WHERE outbox_id = ?').run(fresh, id);
    });
    return fresh;
  }

  /** Removes an entry the hub refused and nothing else depends on (a handle-time span). */
  drop(id: string): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
    this.db.prepare("UPDATE action_items SET state = 'refused', code = 'invalid', message = 'the hub could not take it; dropped' WHERE outbox_id = ?").run(id);
  }

  /** outbox.retry: a mutation stopped after a non-retryable error goes back in line. */
  retry(id: string): boolean {
    const again = this.db.prepare("UPDATE outbox SET state = 'pending', attempts = 0, last_error = NULL WHERE id = ? AND state = 'failed'").run(id).changes > 0;
    if (again) this.db.prepare("UPDATE action_items SET state = 'queued', code = NULL, message = NULL WHERE outbox_id = ?").run(id);
    return again;
  }

  markFailed(id: string, error: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?").run(error, id);
      // stopped until the agent retries it (outbox.retry): the run's summary says why
      this.db.prepare("UPDATE action_items SET state = 'stopped', code = 'invalid', message = ? WHERE outbox_id = ?").run(error, id);
    })();
  }
}
