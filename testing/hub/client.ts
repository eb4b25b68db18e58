/**
 * Test helpers on the HTTP side: login, JSON requests, and a model sync client that applies
 * bootstrap pages, change pages and hydrations the way the desktop must (newest sync_id wins;
 * after each page, keep only the scope; hydrate customers that entered it).
 */
import { WebSocket } from 'ws';
import {
  BootstrapPageSchema, ChangesPageSchema, HydrateResponseSchema, LoginResponseSchema, type Change, type Entities,
} from '../../shared/contract/hub-api';
import type { Conversation, Customer, Message, Note } from '../../shared/domain';
import { PASSWORD } from './fixtures';
import type { Loose } from '../json';

export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json: Loose = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

export async function login(base: string, email: string, password = PASSWORD): Promise<string> {
  const r = await call(base, 'POST', '/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
  return LoginResponseSchema.parse(r.json).token;
}

type Row = { id: string; sync_id: number };

export class ModelClient {
  conversations = new Map<string, Conversation>();
  messages = new Map<string, Message>();
  notes = new Map<string, Note>();
  customers = new Map<string, Customer>();
  checkpoint = 0;
  teamIds: string[] = [];

  constructor(readonly base: string, readonly token: string, readonly agentId: string) {}

  async bootstrap(limit = 3): Promise<void> {
    this.conversations.clear(); this.messages.clear(); this.notes.clear(); this.customers.clear();
    const me = await call(this.base, 'GET', '/v1/me', { token: this.token });
    this.teamIds = me.json.agent.team_ids;
    let cursor: string | null = null;
    let watermark: number;
    do {
      const r = await call(this.base, 'GET', `/v1/sync/bootstrap?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: this.token });
      if (r.status !== 200) throw new Error(`bootstrap: ${r.status} ${r.text}`);
      const page = BootstrapPageSchema.parse(r.json);
      this.applyEntities(page);
      watermark = page.watermark;
      cursor = page.next_cursor;
    } while (cursor);
    this.checkpoint = watermark;
    await this.pull();
  }

  /** Pulls change pages until caught up. */
  async pull(limit = 4): Promise<void> {
    for (;;) {
      const r = await call(this.base, 'GET', `/v1/sync/changes?since=${this.checkpoint}&limit=${limit}`, { token: this.token });
      if (r.status !== 200) throw new Error(`changes: ${r.status} ${r.text}`);
      const page = ChangesPageSchema.parse(r.json);
      if (page.reset) return this.bootstrap();
      if (page.since !== this.checkpoint) throw new Error(`gap: page since ${page.since}, checkpoint ${this.checkpoint}`);
      if (await this.applyChanges(page.changes)) return this.bootstrap();
      this.checkpoint = page.to;
      if (!page.has_more) return;
    }
  }

  /** Applies changes; returns true when the agent's own record says: bootstrap again. */
  async applyChanges(changes: Change[]): Promise<boolean> {
    const before = this.directCustomers();
    let rebootstrap = false;
    for (const c of changes) {
      if (c.entity === 'agent') {
        if (c.data.id === this.agentId && c.data.team_ids.join() !== this.teamIds.join()) rebootstrap = true;
        continue;
      }
      const map = { conversation: this.conversations, message: this.messages, note: this.notes, customer: this.customers }[c.entity] as Map<string, Row>;
      upsert(map, c.data as Row);
    }
    if (rebootstrap) return true;
    await this.settleScope(before);
    return false;
  }

  applyEntities(e: Entities): void {
    for (const x of e.conversations) upsert(this.conversations, x);
    for (const x of e.messages) upsert(this.messages, x);
    for (const x of e.notes) upsert(this.notes, x);
    for (const x of e.customers) upsert(this.customers, x);
  }

  directCustomers(): Set<string> {
    const s = new Set<string>();
    for (const c of this.conversations.values()) {
      if (c.assignee_id === this.agentId || (c.assignee_id === null && c.team_id !== null && this.teamIds.includes(c.team_id))) s.add(c.customer_id);
    }
    return s;
  }

  /** Drops what left the scope; hydrates customers that entered it. */
  async settleScope(before: Set<string>): Promise<void> {
    const now = this.directCustomers();
    const entered = [...now].filter((c) => !before.has(c));
    if (entered.length) {
      const r = await call(this.base, 'POST', '/v1/sync/hydrate', { token: this.token, body: { customer_ids: entered } });
      if (r.status === 200) this.applyEntities(HydrateResponseSchema.parse(r.json));
      // 403: the customer left the scope again meanwhile; the next page settles it
    }
    const scope = this.directCustomers();
    for (const [id, c] of this.conversations) if (!scope.has(c.customer_id)) this.conversations.delete(id);
    for (const [id, m] of this.messages) if (!this.conversations.has(m.conversation_id)) this.messages.delete(id);
    for (const [id, n] of this.notes) if (!this.conversations.has(n.conversation_id)) this.notes.delete(id);
    for (const id of this.customers.keys()) if (!scope.has(id)) this.customers.delete(id);
  }

  snapshot(): Entities {
    const sorted = <T extends { id: string }>(m: Map<string, T>) => [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { conversations: sorted(this.conversations), messages: sorted(this.messages), notes: sorted(this.notes), customers: sorted(this.customers) };
  }
}

function upsert<T extends Row>(map: Map<string, T>, row: T): void {
  const old = map.get(row.id);
  if (!old || old.sync_id <= row.sync_id) map.set(row.id, row);
}

/** Opens the change stream and collects its messages. */
export async function openStream(base: string, token: string, since: number) {
  const ws = new WebSocket(await streamUrl(base, '/v1/sync/stream', token));
  const messages: Loose[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    messages.push(JSON.parse(d.toString()));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  ws.send(JSON.stringify({ type: 'subscribe', since }));
  return {
    messages,
    /** waits until a message matches (event-driven; the test's own timeout bounds it) */
    async waitFor(pred: (m: Loose) => boolean): Promise<Loose> {
      for (;;) {
        const found = messages.find(pred);
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    close: () => ws.close(),
  };
}

/** A WebSocket URL for a hub stream with a fresh single-use ticket of the session (a token never goes into a URL). */
export async function streamUrl(base: string, path: string, token: string): Promise<string> {
  const r = await call(base, 'POST', '/v1/auth/ticket', { token });
  if (r.status !== 200) throw new Error(`stream ticket: ${r.status} ${r.text}`);
  return `${base.replace(/^http/, 'ws')}${path}?ticket=${encodeURIComponent(r.json.ticket)}`;
}
