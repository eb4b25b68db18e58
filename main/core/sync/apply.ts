/**
 * Applying what the hub sends (bootstrap pages, change pages, hydrate results) to the cache.
 * Each call is ONE transaction: rows are upserted only when the incoming sync_id is at least
 * the stored one (newest wins), the checkpoint moves in the same transaction, and whatever
 * falls out of the agent's scope is pruned before it commits. Full-text indexing of change
 * pages is deferred to idle (migration 0110, db/fts.ts); bootstrap pages index inline.
 */
import type { Agent, Conversation, Customer, Message, Note } from '../../../shared/domain';
import type { z } from 'zod';
import type { BootstrapPage, ChangesPage, Entities, MeResponseSchema } from '../../../shared/contract/hub-api';
import type { Db } from '../db/open';
import { Meta } from '../db/meta';
import { indexPending, indexPendingIfOver } from '../db/fts';
import { priorityRank, slaKey, tabOf, type ScopeOwner } from './scope';

export class GapError extends Error {
  constructor(readonly expected: number, readonly got: number) {
    super(`change page starts at ${got}, cache is at ${expected}`);
  }
}

export interface ApplyResult {
  conversationIds: string[];
  /** customers that entered the scope and whose history must be fetched (hydrate) */
  toHydrate: string[];
  /** the agent's teams changed or the hub asked for it: bootstrap again */
  needsBootstrap: boolean;
}

export class SyncApplier {
  readonly meta: Meta;
  private readonly s;

  constructor(private readonly db: Db) {
    this.meta = new Meta(db);
    const newer = (t: string) => `WHERE excluded.sync_id >= ${t}.sync_id`;
    this.s = {
      // A conversation is written by the cheapest statement that keeps it right: SQLite rewrites
      // an index entry only when the UPDATE sets one of its columns, and most changes (status,
      // assignee within the tab, SLA stamps) leave the inbox keys alone. Newest wins by sync_id
      // (equal included: a refused local change is replaced by the hub's row of the same sync_id).
      convKeys: db.prepare('SELECT customer_id, tab, sla_key, priority_rank, created_at, sync_id FROM conversations WHERE id = ?'),
      insertConv: db.prepare(`
        INSERT INTO conversations(id, customer_id, assignee_id, team_id, status, channel, tab, sla_key, priority_rank, created_at, last_inbound_at, sync_id, gen, data)
        VALUES (@id, @customer_id, @assignee_id, @team_id, @status, @channel, @tab, @sla_key, @priority_rank, @created_at, @last_inbound_at, @sync_id, @gen, @data)`),
      updateConvData: db.prepare(`UPDATE conversations SET ${CONV_DATA_SET} WHERE id = @id`),
      updateConvOrder: db.prepare(`UPDATE conversations SET ${CONV_DATA_SET}, sla_key = @sla_key, priority_rank = @priority_rank WHERE id = @id`),
      updateConvAll: db.prepare(`UPDATE conversations SET ${CONV_DATA_SET}, sla_key = @sla_key, priority_rank = @priority_rank,
        customer_id = @customer_id, tab = @tab, created_at = @created_at WHERE id = @id`),
      upsertMsg: db.prepare(`
        INSERT INTO messages(id, conversation_id, direction, visibility, author_id, author_name, text, platform_id, permalink, delivery, delivery_error, created_at, sync_id, gen)
        VALUES (@id, @conversation_id, @direction, @visibility, @author_id, @author_name, @text, @platform_id, @permalink, @delivery, @delivery_error, @created_at, @sync_id, @gen)
        ON CONFLICT(id) DO UPDATE SET conversation_id = excluded.conversation_id, direction = excluded.direction, visibility = excluded.visibility,
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
      touchMsg: db.prepare('UPDATE messages SET gen = ? WHERE id = ?'),
      touchNote: db.prepare('UPDATE notes SET gen = ? WHERE id = ?'),
      touchCustomer: db.prepare('UPDATE customers SET gen = ? WHERE id = ?'),
      customerInCore: db.prepare("SELECT 1 FROM conversations WHERE customer_id = ? AND tab <> 'history' LIMIT 1").pluck(),
      convIdsOfCustomer: db.prepare('SELECT id FROM conversations WHERE customer_id = ?').pluck(),
      deleteMsgsOfConv: db.prepare('DELETE FROM messages WHERE conversation_id = ?'),
      deleteNotesOfConv: db.prepare('DELETE FROM notes WHERE conversation_id = ?'),
      deleteAckedOfConv: db.prepare("DELETE FROM outbox WHERE conversation_id = ? AND state = 'acked'"),
      deleteConvsOfCustomer: db.prepare('DELETE FROM conversations WHERE customer_id = ?'),
      deleteCustomer: db.prepare('DELETE FROM customers WHERE id = ?'),
      deleteScope: db.prepare('DELETE FROM customer_scope WHERE customer_id = ?'),
      addScope: db.prepare('INSERT INTO customer_scope(customer_id, hydrated) VALUES (?, ?) ON CONFLICT(customer_id) DO NOTHING'),
      markHydrated: db.prepare('UPDATE customer_scope SET hydrated = 1 WHERE customer_id = ?'),
      ackedDelivered: db.prepare("DELETE FROM outbox WHERE state = 'acked' AND message_id = ?"),
      /** merges full-text segments of levels holding 4+ (usermerge), writing at most ? pages */
      ftsMerge: db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', ?)"),
    };
  }

  owner(): ScopeOwner {
    const agent = this.meta.get('agent');
    if (!agent) throw new Error('no agent in the cache: log in first');
    return { agentId: agent.id, teamIds: new Set(agent.team_ids) };
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
      const ids = this.upsertEntities(page, owner, gen, true).conversationIds;
      // Writes only note messages for the full-text index (migration 0110); a bootstrap never idles
      // between pages, so each page indexes what it wrote (and anything waiting) before it commits.
      indexPending(this.db);
      // Writes do not merge full-text segments (migration 0060: that waits for idle, off the change
      // pages' latency); a bootstrap never idles between pages, so it merges as it goes, in step with what it wrote.
      if (page.messages.length > 0) this.s.ftsMerge.run(page.messages.length);
      return { conversationIds: ids, toHydrate: [], needsBootstrap: false };
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
      this.db.prepare("DELETE FROM outbox WHERE state = 'acked' AND (message_id IN (SELECT id FROM messages) OR message_id IN (SELECT id FROM notes))").run();
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
        return { conversationIds: [], toHydrate: [], needsBootstrap: true };
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
      const { conversationIds, customers } = this.upsertEntities(entities, owner, gen, false);
      const toHydrate = this.pruneAndScope(customers);
      // The full-text index of new and pruned messages waits for idle (search reads the waiting
      // ones directly) unless the backlog has grown past its bound.
      indexPendingIfOver(this.db);
      this.meta.set('last_sync_id', page.to);
      if (needsBootstrap) this.meta.set('needs_bootstrap', true);
      return { conversationIds, toHydrate, needsBootstrap };
    })();
  }

  /** The whole history of customers that entered the scope; the checkpoint does not move. */
  applyHydrate(customerIds: readonly string[], result: Entities): ApplyResult {
    return this.db.transaction(() => {
      const owner = this.owner();
      const gen = this.meta.get('bootstrap_gen');
      const { conversationIds, customers } = this.upsertEntities(result, owner, gen, false);
      for (const id of customerIds) customers.add(id);
      const toHydrate = this.pruneAndScope(customers);
      for (const id of customerIds) this.s.markHydrated.run(id);
      indexPendingIfOver(this.db);
      return { conversationIds, toHydrate: toHydrate.filter((id) => !customerIds.includes(id)), needsBootstrap: false };
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
    const customers = new Set<string>();
    const conversationIds: string[] = [];
    for (const c of e.conversations) {
      const previous = this.s.convKeys.get(c.id) as ConvKeys | undefined;
      if (previous !== undefined && previous.customer_id !== c.customer_id) customers.add(previous.customer_id);
      customers.add(c.customer_id);
      conversationIds.push(c.id);
      this.writeConv(convRow(c, owner, gen), previous, touch);
    }
    for (const m of e.messages) {
      const r = this.s.upsertMsg.run(msgRow(m, gen));
      if (touch && r.changes === 0) this.s.touchMsg.run(gen, m.id);
      if (m.direction === 'outbound') this.s.ackedDelivered.run(m.id);
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
      customers.add(c.id);
    }
    return { conversationIds: [...new Set(conversationIds)], customers };
  }

  private writeConv(row: ReturnType<typeof convRow>, previous: ConvKeys | undefined, touch: boolean): void {
    if (previous === undefined) { this.s.insertConv.run(row); return; }
    if (row.sync_id < previous.sync_id) {
      if (touch) this.s.touchConv.run(row.gen, row.id);
      return;
    }
    if (previous.customer_id !== row.customer_id || previous.tab !== row.tab || previous.created_at !== row.created_at) this.s.updateConvAll.run(row);
    else if (previous.sla_key !== row.sla_key || previous.priority_rank !== row.priority_rank) this.s.updateConvOrder.run(row);
    else this.s.updateConvData.run(row);
  }

  /** For each touched customer: prune it if it left the scope; note it for hydration if it entered. */
  private pruneAndScope(customers: Iterable<string>): string[] {
    const entered: string[] = [];
    for (const id of customers) {
      if (this.s.customerInCore.get(id) === undefined) {
        this.pruneCustomer(id);
      } else if (this.s.addScope.run(id, 0).changes > 0) {
        entered.push(id);
      }
    }
    return entered;
  }

  private pruneCustomer(id: string): void {
    for (const convId of this.s.convIdsOfCustomer.all(id) as string[]) {
      this.s.deleteMsgsOfConv.run(convId);
      this.s.deleteNotesOfConv.run(convId);
      this.s.deleteAckedOfConv.run(convId);
    }
    this.s.deleteConvsOfCustomer.run(id);
    this.s.deleteCustomer.run(id);
    this.s.deleteScope.run(id);
  }
}

interface ConvKeys { customer_id: string; tab: string; sla_key: string; priority_rank: number; created_at: string; sync_id: number }
/** The conversation columns no index reads. */
const CONV_DATA_SET = 'assignee_id = @assignee_id, team_id = @team_id, status = @status, channel = @channel, last_inbound_at = @last_inbound_at, sync_id = @sync_id, gen = @gen, data = @data';

export function convRow(c: Conversation, owner: ScopeOwner, gen: number) {
  return {
    id: c.id, customer_id: c.customer_id, assignee_id: c.assignee_id, team_id: c.team_id, status: c.status, channel: c.channel,
    tab: tabOf(c, owner), sla_key: slaKey(c), priority_rank: priorityRank(c.priority), created_at: c.created_at,
    last_inbound_at: c.last_inbound_at, sync_id: c.sync_id, gen, data: JSON.stringify(c),
  };
}
const msgRow = (m: Message, gen: number) => ({
  id: m.id, conversation_id: m.conversation_id, direction: m.direction, visibility: m.visibility, author_id: m.author_id,
  author_name: m.author_name, text: m.text, platform_id: m.platform_id, permalink: m.permalink, delivery: m.delivery,
  delivery_error: m.delivery_error, created_at: m.created_at, sync_id: m.sync_id, gen,
});
const noteRow = (n: Note, gen: number) => ({ id: n.id, conversation_id: n.conversation_id, created_at: n.created_at, sync_id: n.sync_id, gen, data: JSON.stringify(n) });
const customerRow = (c: Customer, gen: number) => ({ id: c.id, sync_id: c.sync_id, gen, data: JSON.stringify(c) });
