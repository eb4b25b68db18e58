/**
 * Applying what the hub sends (bootstrap pages, change pages, hydrate results) to the cache.
 * Each call is ONE transaction: rows are upserted only when the incoming sync_id is at least
 * the stored one (newest wins), the checkpoint moves in the same transaction, and whatever
 * falls out of the agent's scope is pruned before it commits. Full-text indexing of change
 * pages is deferred to idle (migration 0110, db/fts.ts); bootstrap pages index inline.
 */
import { randomUUID } from 'node:crypto';
import type { Agent, Conversation, Customer, Note } from '../../../shared/domain';
import type { z } from 'zod';
import type { BootstrapPage, ChangesPage, Entities, MeResponseSchema } from '../../../shared/contract/hub-api';
import type { Db } from '../db/open';
import { Meta } from '../db/meta';
import type { TokenStore } from '../session-token';
import { indexPending, indexPendingIfOver } from '../db/fts';
import { pruneWaiting } from '../db/prune';
import { priorityRank, slaKey, tabOf, type ScopeOwner } from './scope';

export class GapError extends Error {
  constructor(readonly expected: number, readonly got: number) {
    super(`change page starts at ${got}, cache is at ${expected}`);
  }
}

export interface ApplyResult {
  conversationIds: string[];
  /** customers whose profile changed (tags, notes, handles, a merge): their cards show it */
  customerIds: string[];
  /** customers that entered the scope and whose history must be fetched (hydrate) */
  toHydrate: string[];
  /** the agent's teams changed or the hub asked for it: bootstrap again */
  needsBootstrap: boolean;
}

export class SyncApplier {
  readonly meta: Meta;
  private readonly s;
  /** `take_back_rejected` mutations queued by applied pages since the engine last asked (takeQueued) */
  private queuedTakeBacks = 0;

  /** Whether applying pages queued mutations (a rejected reply to take back): the engine sends them next. */
  takeQueued(): boolean {
    const queued = this.queuedTakeBacks > 0;
    this.queuedTakeBacks = 0;
    return queued;
  }

  constructor(private readonly db: Db, tokens?: TokenStore) {
    this.meta = new Meta(db, tokens);
    const newer = (t: string) => `WHERE excluded.sync_id >= ${t}.sync_id`;
    this.s = {
      // Newest wins by sync_id (equal included: a refused local change is replaced by the hub's
      // row of the same sync_id). Conversations: see CONV_DATA below.
      // One lookup for all the page's conversations; rows as arrays and positional parameters
      // throughout the hot statements (binding by name costs a property lookup per parameter).
      convKeys: db.prepare(`SELECT id, rowid, customer_id, tab, sla_key, priority_rank, created_at, sync_id FROM conversations
        WHERE id IN (SELECT value FROM json_each(?))`).raw(),
      insertConv: db.prepare(`INSERT INTO conversations(${CONV_COLS.join(', ')}) VALUES (${CONV_COLS.map(() => '?').join(', ')})`),
      updateConvData: db.prepare(`UPDATE conversations SET ${setOf(CONV_DATA)} WHERE rowid = ?`),
      updateConvOrder: db.prepare(`UPDATE conversations SET ${setOf(CONV_ORDER)} WHERE rowid = ?`),
      updateConvAll: db.prepare(`UPDATE conversations SET ${setOf(CONV_ALL)} WHERE rowid = ?`),
      upsertMsg: db.prepare(`
        INSERT INTO messages(id, conversation_id, direction, visibility, author_id, author_name, text, platform_id, permalink, delivery, delivery_error, created_at, sync_id, gen)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(conversation_id, id) DO UPDATE SET direction = excluded.direction, visibility = excluded.visibility,
          author_id = excluded.author_id, author_name = excluded.author_name, text = excluded.text, platform_id = excluded.platform_id,
          permalink = excluded.permalink, delivery = excluded.delivery, delivery_error = excluded.delivery_error,
          created_at = excluded.created_at, sync_id = excluded.sync_id, gen = excluded.gen ${newer('messages')}`),
      upsertNote: db.prepare(`
        INSERT INTO notes(id, conversation_id, created_at, sync_id, gen, data) VALUES (@id, @conversation_id, @created_at, @sync_id, @gen, @data)
        ON CONFLICT(id) DO UPDATE SET conversation_id = excluded.conversation_id, created_at = excluded.created_at,
          sync_id = excluded.sync_id, gen = excluded.gen, data = excluded.data ${newer('notes')}`),
      upsertCustomer: db.prepare(`
        INSERT INTO customers(id, sync_id, gen, data) VALUES (@id, @sync_id, @gen, @data)
        ON CONFLICT(id) DO UPDATE SET sync_id = excluded.sync_id, gen = excluded.gen, data = excluded.data ${newer('customers')}`),
      touchConv: db.prepare('UPDATE conversations SET gen = ? WHERE id = ?'),
      touchMsg: db.prepare('UPDATE messages SET gen = ? WHERE conversation_id = ? AND id = ?'),
      touchNote: db.prepare('UPDATE notes SET gen = ? WHERE id = ?'),
      touchCustomer: db.prepare('UPDATE customers SET gen = ? WHERE id = ?'),
      customerInCore: db.prepare("SELECT 1 FROM conversations WHERE customer_id = ? AND tab <> 'history' LIMIT 1").pluck(),
      convIdsOfCustomer: db.prepare('SELECT id FROM conversations WHERE customer_id = ?').pluck(),
      deleteMsgsOfConv: db.prepare('DELETE FROM messages WHERE conversation_id = ?'),
      // migration 0140: a pruned conversation's messages wait for idle
      deferMsgsOfConv: db.prepare('INSERT INTO prune_pending(conversation_id) VALUES (?) ON CONFLICT DO NOTHING'),
      anyDeferred: db.prepare('SELECT 1 FROM prune_pending LIMIT 1').pluck(),
      undefer: db.prepare('DELETE FROM prune_pending WHERE conversation_id = ?'),
      deleteNotesOfConv: db.prepare('DELETE FROM notes WHERE conversation_id = ?'),
      deleteAckedOfConv: db.prepare("DELETE FROM outbox WHERE conversation_id = ? AND state = 'acked'"),
      deleteConvsOfCustomer: db.prepare('DELETE FROM conversations WHERE customer_id = ?'),
      deleteCustomer: db.prepare('DELETE FROM customers WHERE id = ?'),
      deleteScope: db.prepare('DELETE FROM customer_scope WHERE customer_id = ?'),
      addScope: db.prepare('INSERT INTO customer_scope(customer_id, hydrated) VALUES (?, ?) ON CONFLICT(customer_id) DO NOTHING'),
      markHydrated: db.prepare('UPDATE customer_scope SET hydrated = 1 WHERE customer_id = ?'),
      ackedDelivered: db.prepare("DELETE FROM outbox WHERE state = 'acked' AND message_id = ?"),
      // a rejected reply is asked for once per desktop (db migration 0180), and the hub gives it to one desktop of its author
      returnRejected: db.prepare("INSERT INTO approval_returns(message_id, returned_at) VALUES (?, ?) ON CONFLICT(message_id) DO NOTHING"),
      queueTakeBack: db.prepare("INSERT INTO outbox(id, type, args, conversation_id, message_id, depends_on, created_at) VALUES (?, 'take_back_rejected', ?, ?, NULL, NULL, ?)"),
      ownOpenConv: db.prepare("SELECT 1 FROM conversations WHERE id = ? AND assignee_id = ? AND status <> 'resolved'").pluck(),
      anyAcked: db.prepare("SELECT 1 FROM outbox WHERE state = 'acked' LIMIT 1").pluck(),
      /** merges full-text segments of levels holding 4+ (usermerge), writing at most ? pages */
      ftsMerge: db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', ?)"),
    };
  }

  owner(): ScopeOwner {
    const agent = this.meta.get('agent');
    if (!agent) throw new Error('no agent in the cache: log in first');
    return { agent_id: agent.id, team_ids: new Set(agent.team_ids) };
  }

  /** Who we are, as the hub says (GET /v1/me): the scope rule reads the agent's teams from here. */
  setIdentity(me: z.infer<typeof MeResponseSchema>): void {
    this.db.transaction(() => {
      this.meta.set('agent', me.agent);
      this.meta.set('teams', me.teams);
      this.meta.set('agents', me.agents);
    })();
  }

  // ---- bootstrap ------------------------------------------------------------

  /** Starts a (re-)bootstrap: rows written from now on carry a new generation. */
  beginBootstrap(): number {
    const gen = this.meta.get('bootstrap_gen') + 1;
    this.meta.set('bootstrap_gen', gen);
    return gen;
  }

  /** One bootstrap page in one transaction. No pruning here: a customer's conversations may arrive on a later page. */
  applyBootstrapPage(page: Pick<BootstrapPage, keyof Entities>): ApplyResult {
    return this.db.transaction(() => {
      const owner = this.owner();
      const gen = this.meta.get('bootstrap_gen');
      const { conversationIds: ids, customerIds } = this.upsertEntities(page, owner, gen, true);
      // Writes only note messages for the full-text index (migration 0110); a bootstrap never idles
      // between pages, so each page indexes what it wrote (and anything waiting) before it commits.
      indexPending(this.db);
      // Writes do not merge full-text segments (migration 0060: that waits for idle, off the change
      // pages' latency); a bootstrap never idles between pages, so it merges as it goes, in step with what it wrote.
      if (page.messages.length > 0) this.s.ftsMerge.run(page.messages.length);
      return { conversationIds: ids, customerIds, toHydrate: [], needsBootstrap: false };
    })();
  }

  /**
   * Last step of a bootstrap: sweep rows the snapshot did not contain, rebuild the customer
   * scope (all hydrated: the snapshot held their history), and move the checkpoint to the watermark.
   */
  finishBootstrap(watermark: number): void {
    this.db.transaction(() => {
      const gen = this.meta.get('bootstrap_gen');
      for (const t of ['conversations', 'messages', 'notes', 'customers']) this.db.prepare(`DELETE FROM ${t} WHERE gen < ?`).run(gen);
      this.db.prepare('DELETE FROM customer_scope').run();
      this.db.prepare("INSERT INTO customer_scope(customer_id, hydrated) SELECT DISTINCT customer_id, 1 FROM conversations WHERE tab <> 'history'").run();
      const outOfScope = this.db.prepare('SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM customer_scope)').pluck().all() as string[];
      for (const id of outOfScope) this.pruneCustomer(id);
      const stray = this.db.prepare('SELECT DISTINCT customer_id FROM conversations WHERE customer_id NOT IN (SELECT customer_id FROM customer_scope)').pluck().all() as string[];
      for (const id of stray) this.pruneCustomer(id);
      // messages are keyed by (conversation_id, id) (migration 0120)
      this.db.prepare(`DELETE FROM outbox WHERE state = 'acked' AND (message_id IN (SELECT id FROM notes)
        OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = outbox.conversation_id AND m.id = outbox.message_id))`).run();
      pruneWaiting(this.db);
      indexPendingIfOver(this.db);
      this.meta.set('last_sync_id', watermark);
      this.meta.set('needs_bootstrap', false);
    })();
  }

  // ---- changes ----------------------------------------------------------------

  /** One change page in one transaction; refuses a page that does not start at our checkpoint. */
  applyChangesPage(page: ChangesPage): ApplyResult {
    return this.db.transaction(() => {
      const since = this.meta.get('last_sync_id');
      if (page.since !== since) throw new GapError(since, page.since);
      if (page.reset) {
        this.meta.set('needs_bootstrap', true);
        return { conversationIds: [], customerIds: [], toHydrate: [], needsBootstrap: true };
      }
      const owner = this.owner();
      const gen = this.meta.get('bootstrap_gen');
      const entities: Entities = { conversations: [], messages: [], notes: [], customers: [] };
      let needsBootstrap = false;
      for (const ch of page.changes) {
        switch (ch.entity) {
          case 'conversation': entities.conversations.push(ch.data); break;
          case 'message': entities.messages.push(ch.data); break;
          case 'note': entities.notes.push(ch.data); break;
          case 'customer': entities.customers.push(ch.data); break;
          case 'agent': if (this.applyAgent(ch.data)) needsBootstrap = true; break;
        }
      }
      const { conversationIds, customerIds, customers } = this.upsertEntities(entities, owner, gen, false);
      const toHydrate = this.pruneAndScope(customers);
      // The full-text index of new and pruned messages waits for idle (search reads the waiting
      // ones directly) unless the backlog has grown past its bound.
      indexPendingIfOver(this.db);
      this.meta.set('last_sync_id', page.to);
      if (needsBootstrap) this.meta.set('needs_bootstrap', true);
      return { conversationIds, customerIds, toHydrate, needsBootstrap };
    })();
  }

  /** The whole history of customers that entered the scope; the checkpoint does not move. */
  applyHydrate(customerIds: readonly string[], result: Entities): ApplyResult {
    return this.db.transaction(() => {
      const owner = this.owner();
      const gen = this.meta.get('bootstrap_gen');
      const { conversationIds, customerIds: changed, customers } = this.upsertEntities(result, owner, gen, false);
      for (const id of customerIds) customers.set(id, CHECK);
      const toHydrate = this.pruneAndScope(customers);
      for (const id of customerIds) this.s.markHydrated.run(id);
      indexPendingIfOver(this.db);
      return { conversationIds, customerIds: changed, toHydrate: toHydrate.filter((id) => !customerIds.includes(id)), needsBootstrap: false };
    })();
  }

  pendingHydrations(limit = 500): string[] {
    return this.db.prepare('SELECT customer_id FROM customer_scope WHERE hydrated = 0 LIMIT ?').pluck().all(limit) as string[];
  }

  markHydrated(customerIds: readonly string[]): void {
    this.db.transaction(() => { for (const id of customerIds) this.s.markHydrated.run(id); })();
  }

  /** Our own agent record changed. Returns true when the teams differ (the scope changed). */
  private applyAgent(agent: Agent): boolean {
    const current = this.meta.get('agent');
    if (!current || current.id !== agent.id) return false;
    this.meta.set('agent', agent);
    const before = [...current.team_ids].sort().join('\n');
    const after = [...agent.team_ids].sort().join('\n');
    return before !== after;
  }

  // ---- rows -------------------------------------------------------------------

  private upsertEntities(e: Pick<Entities, keyof Entities>, owner: ScopeOwner, gen: number, touch: boolean) {
    const customers: TouchedCustomers = new Map();
    const touched = (id: string, how: Touch) => { if ((customers.get(id) ?? 0) < how) customers.set(id, how); };
    const conversationIds: string[] = [];
    const keys = new Map<string, ConvKeys>();
    if (e.conversations.length > 0) {
      for (const k of this.s.convKeys.all(JSON.stringify(e.conversations.map((c) => c.id))) as ConvKeyRow[]) {
        keys.set(k[0], { rowid: k[1], customer_id: k[2], tab: k[3], sla_key: k[4], priority_rank: k[5], created_at: k[6], sync_id: k[7] });
      }
    }
    // a conversation back in the cache before its pruned messages were deleted (migration 0140)
    const deferred = e.conversations.length > 0 && this.s.anyDeferred.get() !== undefined;
    for (const c of e.conversations) {
      const previous = keys.get(c.id);
      if (previous === undefined && deferred && this.s.undefer.run(c.id).changes > 0) this.s.deleteMsgsOfConv.run(c.id);
      if (previous !== undefined && previous.customer_id !== c.customer_id) touched(previous.customer_id, CHECK);
      conversationIds.push(c.id);
      const row = convRow(c, owner, gen);
      const written = this.writeConv(row, previous, touch);
      // the same conversation may come again later in the page: it compares with what was just written
      if (written !== null) keys.set(c.id, written);
      // a conversation the cache held, of the same customer: that customer is in customer_scope already
      touched(c.customer_id, written === null || row.tab === 'history' ? CHECK : previous?.customer_id === c.customer_id ? SCOPED : IN_CORE);
    }
    // an accepted reply waits in the outbox as 'acked' until its message arrives (usually none)
    const acked = e.messages.length > 0 && this.s.anyAcked.get() !== undefined;
    for (const m of e.messages) {
      const r = this.s.upsertMsg.run(m.id, m.conversation_id, m.direction, m.visibility, m.author_id, m.author_name, m.text, m.platform_id,
        m.permalink, m.delivery, m.delivery_error, m.created_at, m.sync_id, gen);
      if (touch && r.changes === 0) this.s.touchMsg.run(gen, m.conversation_id, m.id);
      if (acked && m.direction === 'outbound') this.s.ackedDelivered.run(m.id);
      // an approver rejected this agent's reply: its text comes back to the composer with the note, once per
      // author, while the conversation is still theirs to answer. This desktop asks the hub for it
      // (`take_back_rejected`, sent first thing): the first of the author's desktops to ask gets it (Outbox.settle
      // puts it in the draft), the others nothing, so a text cleared on one desktop never returns on another.
      if (m.delivery === 'rejected' && m.direction === 'outbound' && m.author_id === owner.agent_id
        && this.s.ownOpenConv.get(m.conversation_id, owner.agent_id) !== undefined
        && this.s.returnRejected.run(m.id, new Date().toISOString()).changes > 0) {
        this.s.queueTakeBack.run(randomUUID(), JSON.stringify({ conversation_id: m.conversation_id, message_id: m.id }), m.conversation_id, new Date().toISOString());
        this.queuedTakeBacks++;
      }
      conversationIds.push(m.conversation_id);
    }
    for (const n of e.notes) {
      const r = this.s.upsertNote.run(noteRow(n, gen));
      this.s.ackedDelivered.run(n.id);
      if (touch && r.changes === 0) this.s.touchNote.run(gen, n.id);
      conversationIds.push(n.conversation_id);
    }
    for (const c of e.customers) {
      const r = this.s.upsertCustomer.run(customerRow(c, gen));
      if (touch && r.changes === 0) this.s.touchCustomer.run(gen, c.id);
      touched(c.id, CHECK);
    }
    return { conversationIds: [...new Set(conversationIds)], customerIds: e.customers.map((c) => c.id), customers };
  }

  /** Writes the row unless the cache holds a newer one; returns the keys it wrote, or null. */
  private writeConv(row: ConvRow, previous: ConvKeys | undefined, touch: boolean): ConvKeys | null {
    const keys = (rowid: number | bigint): ConvKeys => ({ rowid, customer_id: row.customer_id, tab: row.tab, sla_key: row.sla_key, priority_rank: row.priority_rank, created_at: row.created_at, sync_id: row.sync_id });
    if (previous === undefined) {
      return keys(this.s.insertConv.run(row.id, row.customer_id, row.assignee_id, row.team_id, row.status, row.channel, row.tab, row.sla_key,
        row.priority_rank, row.created_at, row.last_inbound_at, row.sync_id, row.gen, row.data).lastInsertRowid);
    }
    if (row.sync_id < previous.sync_id) {
      if (touch) this.s.touchConv.run(row.gen, row.id);
      return null;
    }
    // values in the order of CONV_DATA, CONV_ORDER, CONV_ALL, then the rowid
    const r = row;
    if (previous.customer_id !== r.customer_id || previous.tab !== r.tab || previous.created_at !== r.created_at) {
      this.s.updateConvAll.run(r.assignee_id, r.team_id, r.status, r.channel, r.last_inbound_at, r.sync_id, r.gen, r.data,
        r.sla_key, r.priority_rank, r.customer_id, r.tab, r.created_at, previous.rowid);
    } else if (previous.sla_key !== r.sla_key || previous.priority_rank !== r.priority_rank) {
      this.s.updateConvOrder.run(r.assignee_id, r.team_id, r.status, r.channel, r.last_inbound_at, r.sync_id, r.gen, r.data,
        r.sla_key, r.priority_rank, previous.rowid);
    } else {
      this.s.updateConvData.run(r.assignee_id, r.team_id, r.status, r.channel, r.last_inbound_at, r.sync_id, r.gen, r.data, previous.rowid);
    }
    return keys(previous.rowid);
  }

  /**
   * For each touched customer: prune it if it left the scope; note it for hydration if it entered.
   * A customer is looked up only when the page may have taken it out of the core scope (CHECK);
   * one that the page gave a core conversation (IN_CORE) and nothing else is in it.
   */
  private pruneAndScope(customers: TouchedCustomers): string[] {
    const entered: string[] = [];
    for (const [id, how] of customers) {
      if (how === SCOPED) continue;
      if (how === CHECK && this.s.customerInCore.get(id) === undefined) {
        this.pruneCustomer(id);
      } else if (this.s.addScope.run(id, 0).changes > 0) {
        entered.push(id);
      }
    }
    return entered;
  }

  private pruneCustomer(id: string): void {
    for (const convId of this.s.convIdsOfCustomer.all(id) as string[]) {
      this.s.deferMsgsOfConv.run(convId);
      this.s.deleteNotesOfConv.run(convId);
      this.s.deleteAckedOfConv.run(convId);
    }
    this.s.deleteConvsOfCustomer.run(id);
    this.s.deleteCustomer.run(id);
    this.s.deleteScope.run(id);
  }
}

/**
 * Customers a page touched, the strongest mark winning. IN_CORE: the page wrote one of its
 * conversations into a core tab and nothing else that could take it out of the scope (only another
 * write of the same conversation could, and that marks it CHECK); it gets its customer_scope row if
 * new. SCOPED: the same, for a conversation the cache already held under this customer: every
 * cached customer has its customer_scope row (pruneAndScope and finishBootstrap keep it so), so
 * nothing to do. CHECK: a conversation of it went to history, moved to another customer or was not
 * written (older than the cache), or its customer row was written: look it up.
 */
const SCOPED = 1;
const IN_CORE = 2;
const CHECK = 3;
type Touch = typeof SCOPED | typeof IN_CORE | typeof CHECK;
type TouchedCustomers = Map<string, Touch>;

interface ConvKeys { rowid: number | bigint; customer_id: string; tab: string; sla_key: string; priority_rank: number; created_at: string; sync_id: number }
type ConvKeyRow = [string, number, string, string, string, number, string, number];
type ConvRow = ReturnType<typeof convRow>;
const CONV_COLS = ['id', 'customer_id', 'assignee_id', 'team_id', 'status', 'channel', 'tab', 'sla_key', 'priority_rank', 'created_at', 'last_inbound_at', 'sync_id', 'gen', 'data'] as const;
/**
 * A conversation is written by the cheapest UPDATE that keeps it right: SQLite rewrites an index
 * entry only when the UPDATE sets one of its columns. CONV_DATA: the columns no index reads;
 * CONV_ORDER adds the inbox order keys; CONV_ALL also the tab, customer and creation time.
 */
const CONV_DATA = ['assignee_id', 'team_id', 'status', 'channel', 'last_inbound_at', 'sync_id', 'gen', 'data'] as const;
const CONV_ORDER = [...CONV_DATA, 'sla_key', 'priority_rank'] as const;
const CONV_ALL = [...CONV_ORDER, 'customer_id', 'tab', 'created_at'] as const;
const setOf = (cols: readonly string[]) => cols.map((c) => `${c} = ?`).join(', ');

export function convRow(c: Conversation, owner: ScopeOwner, gen: number) {
  return {
    id: c.id, customer_id: c.customer_id, assignee_id: c.assignee_id, team_id: c.team_id, status: c.status, channel: c.channel,
    tab: tabOf(c, owner), sla_key: slaKey(c), priority_rank: priorityRank(c.priority), created_at: c.created_at,
    last_inbound_at: c.last_inbound_at, sync_id: c.sync_id, gen, data: JSON.stringify(c),
  };
}
const noteRow = (n: Note, gen: number) => ({ id: n.id, conversation_id: n.conversation_id, created_at: n.created_at, sync_id: n.sync_id, gen, data: JSON.stringify(n) });
const customerRow = (c: Customer, gen: number) => ({ id: c.id, sync_id: c.sync_id, gen, data: JSON.stringify(c) });
