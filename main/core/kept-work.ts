/**
 * Sign-out never loses work (issue 10, item 3). What an agent has not sent yet — queued replies,
 * notes and changes (outbox rows 'pending' or 'failed') and drafts — is, at sign-out, sent first,
 * kept for this agent's next sign-in on this desktop, or discarded: the agent chooses.
 *
 * Kept work lives apart from the cache (which is wiped at sign-out, so the next agent on this desktop
 * starts empty): one file per agent and hub, `kept/<sha-256 of hub + agent id>.json`, 0600 in the 0700
 * data folder, written durably (fsync, rename, fsync of the folder), sealed with AES-256-GCM when the
 * shell gives the session-token key. It comes back into the cache when the same agent signs in to the
 * same hub, and only then: another agent never sees it. Outbox rows come back under their own
 * mutation ids, so one that reached the hub before sign-out is answered from the hub's record, never
 * applied twice.
 *
 * Crash safety: the file is written before the cache is wiped, and restored in one durable transaction
 * that also records the file's id (meta `kept_restored`); the file is deleted after. A crash between
 * leaves a file whose id says it is already in the cache, and it is only deleted then. A file found
 * for the agent who is signed in at start (a crash in the middle of a sign-out) is merged back at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
import path from 'node:path';
import type { UnsentWork } from '../../shared/contract/desktop';
import { RECORD_MUTATIONS, type MutationType } from '../../shared/contract/hub-api';
import type { Db } from './db/open';
import { durableTransaction } from './db/open';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './db/private-files';
import type { NoteDraftRow } from './drafts';
import type { OutboxRow } from './outbox';
import { openSealed, seal, type Sealed, type TokenProtection } from './session-token';

export const KEPT_DIR = 'kept';

interface DraftRow {
  conversation_id: string; text: string; visibility: string; updated_at: string;
  rejected_code: string | null; rejected_message: string | null; rejected_details: string | null;
}

/** What one agent kept on this desktop for one hub. */
export interface KeptWork {
  v: 1;
  /** names this kept copy: the cache records it when restoring, so a crash never restores it twice */
  id: string;
  hub_url: string;
  agent_id: string;
  kept_at: string;
  outbox: OutboxRow[];
  drafts: DraftRow[];
  /** internal notes being written or given back refused (db migration 0240); absent in files kept before */
  note_drafts?: NoteDraftRow[];
}

type KeptFile = { v: 1; work?: KeptWork; sealed?: Sealed };

/** The hub as a key: origin and path without a trailing slash (http://h:1/ and http://h:1 are one hub). */
export function hubKey(hubUrl: string): string {
  const u = new URL(hubUrl);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** Outbox rows still to send (pending) or stopped on an error the agent must see (failed); acked ones reached the hub. */
const UNSENT_ROWS = "SELECT * FROM outbox WHERE state IN ('pending', 'failed') ORDER BY seq";
/** A draft counts when it holds text or a refusal the agent has not seen resolved. */
const LIVE_DRAFTS = "SELECT * FROM drafts WHERE trim(text) <> '' OR rejected_code IS NOT NULL ORDER BY updated_at";
const LIVE_NOTE_DRAFTS = "SELECT * FROM note_drafts WHERE trim(text) <> '' ORDER BY updated_at";

export class KeptWorkStore {
  readonly dir: string;
  private readonly key: Buffer | null;

  constructor(dataDir: string, protection?: TokenProtection) {
    this.dir = path.join(dataDir, KEPT_DIR);
    this.key = protection?.key ? Buffer.from(protection.key, 'base64') : null;
  }

  fileFor(hubUrl: string, agentId: string): string {
    const name = createHash('sha256').update(`${hubKey(hubUrl)}\n${agentId}`).digest('hex').slice(0, 40);
    return path.join(this.dir, `${name}.json`);
  }

  load(hubUrl: string, agentId: string): KeptWork | null {
    const file = this.fileFor(hubUrl, agentId);
    if (!existsSync(file)) return null;
    const body = JSON.parse(readFileSync(file, 'utf8')) as KeptFile;
    let work: KeptWork | undefined = body.work;
    if (body.sealed) {
      // Sealed by a key we no longer have (a new secret store): the work cannot be read, and is left in place.
      if (!this.key) throw new Error(`kept work in ${file} is encrypted and this desktop has no key for it`);
      work = JSON.parse(openSealed(this.key, body.sealed)) as KeptWork;
    }
    if (!work || work.v !== 1 || work.agent_id !== agentId || hubKey(work.hub_url) !== hubKey(hubUrl)) return null;
    return work;
  }

  /** Durably: the file is whole or absent after a crash, and on disk when this returns. */
  save(work: KeptWork): void {
    ensurePrivateDir(this.dir);
    const file = this.fileFor(work.hub_url, work.agent_id);
    const body: KeptFile = this.key ? { v: 1, sealed: seal(this.key, JSON.stringify(work)) } : { v: 1, work };
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC, PRIVATE_FILE_MODE);
    try {
      writeSync(fd, JSON.stringify(body));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    syncDir(this.dir);
  }

  remove(hubUrl: string, agentId: string): void {
    rmSync(this.fileFor(hubUrl, agentId), { force: true });
    if (existsSync(this.dir)) syncDir(this.dir);
  }

  /** How many agents have work kept here (for tests and the About box; names are not readable from it). */
  count(): number {
    return existsSync(this.dir) ? readdirSync(this.dir).filter((f) => f.endsWith('.json')).length : 0;
  }
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** What the sign-out dialog shows: unsent changes by kind and drafts, with a few lines to recognise them. */
export function unsentWork(db: Db, max = 8): UnsentWork {
  // handle-time spans (handle-time.ts) and suggestion feedback are records, not work the agent did: they never ask,
  // though they are kept and sent like the rest
  const rows = (db.prepare(UNSENT_ROWS).all() as OutboxRow[]).filter((r) => !RECORD_MUTATIONS.includes(r.type as MutationType));
  // a note draft is a draft like the reply's: the sign-out dialog lists it and keeping keeps it
  const drafts = [...db.prepare(LIVE_DRAFTS).all() as DraftRow[], ...db.prepare(LIVE_NOTE_DRAFTS).all() as NoteDraftRow[]];
  const nameOf = db.prepare(`SELECT json_extract(cu.data, '$.name') FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?`).pluck();
  const items: UnsentWork['items'] = [];
  const snippet = (t: string | undefined) => (t === undefined ? null : t.length > 80 ? `${t.slice(0, 79)}…` : t);
  for (const r of rows) {
    if (items.length >= max) break;
    const args = JSON.parse(r.args) as { text?: string };
    const kind = r.type === 'reply' ? 'reply' : r.type === 'note' ? 'note' : 'change';
    items.push({ conversation_id: r.conversation_id, kind, customer_name: (nameOf.get(r.conversation_id) as string | undefined) ?? null, text: snippet(args.text), failed: r.state === 'failed' });
  }
  for (const d of drafts) {
    if (items.length >= max) break;
    items.push({ conversation_id: d.conversation_id, kind: 'draft', customer_name: (nameOf.get(d.conversation_id) as string | undefined) ?? null, text: snippet(d.text), failed: false });
  }
  return {
    replies: rows.filter((r) => r.type === 'reply').length,
    notes: rows.filter((r) => r.type === 'note').length,
    changes: rows.filter((r) => r.type !== 'reply' && r.type !== 'note').length,
    drafts: drafts.length,
    total: rows.length + drafts.length,
    items,
  };
}

/**
 * Writes the cache's unsent work to the agent's kept file (adding to one already there), before the
 * cache is wiped. Returns how many items were kept.
 */
export function keepWork(db: Db, store: KeptWorkStore, hubUrl: string, agentId: string): number {
  const outbox = db.prepare(UNSENT_ROWS).all() as OutboxRow[];
  const drafts = db.prepare(LIVE_DRAFTS).all() as DraftRow[];
  const noteDrafts = db.prepare(LIVE_NOTE_DRAFTS).all() as NoteDraftRow[];
  if (outbox.length + drafts.length + noteDrafts.length === 0) return 0;
  const earlier = store.load(hubUrl, agentId);
  const ids = new Set(outbox.map((r) => r.id));
  const draftFor = new Map(drafts.map((d) => [d.conversation_id, d]));
  for (const d of earlier?.drafts ?? []) {
    const now = draftFor.get(d.conversation_id);
    draftFor.set(d.conversation_id, now ? mergeDraft(d, now) : d);
  }
  const noteDraftFor = new Map(noteDrafts.map((d) => [d.conversation_id, d]));
  for (const d of earlier?.note_drafts ?? []) {
    const now = noteDraftFor.get(d.conversation_id);
    noteDraftFor.set(d.conversation_id, now ? mergeNoteDraft(d, now) : d);
  }
  store.save({
    v: 1, id: randomUUID(), hub_url: hubUrl, agent_id: agentId, kept_at: new Date().toISOString(),
    outbox: [...(earlier?.outbox ?? []).filter((r) => !ids.has(r.id)), ...outbox],
    drafts: [...draftFor.values()],
    note_drafts: [...noteDraftFor.values()],
  });
  return outbox.length + drafts.length + noteDrafts.length;
}

/**
 * Brings an agent's kept work back into the cache (after sign-in, or at start when a sign-out was cut
 * short), in one durable transaction, then deletes the file. Outbox rows keep their mutation ids and
 * their order after what is already queued; a draft meets a draft of the same conversation by keeping both texts.
 */
export function restoreWork(db: Db, store: KeptWorkStore, hubUrl: string, agentId: string): { outbox: number; drafts: number } {
  const work = store.load(hubUrl, agentId);
  if (!work) return { outbox: 0, drafts: 0 };
  const restored = db.prepare("SELECT value FROM meta WHERE key = 'kept_restored'").pluck().get() as string | undefined;
  if (restored !== undefined && JSON.parse(restored) === work.id) {
    store.remove(hubUrl, agentId); // restored already; the crash came before the file was deleted
    return { outbox: 0, drafts: 0 };
  }
  let outbox = 0;
  const insert = db.prepare(`INSERT INTO outbox(id, type, args, conversation_id, message_id, depends_on, state, attempts, last_error, created_at)
    VALUES (@id, @type, @args, @conversation_id, @message_id, @depends_on, @state, 0, @last_error, @created_at) ON CONFLICT(id) DO NOTHING`);
  const current = db.prepare('SELECT * FROM drafts WHERE conversation_id = ?');
  const upsert = db.prepare(`INSERT INTO drafts(conversation_id, text, visibility, updated_at, rejected_code, rejected_message, rejected_details)
    VALUES (@conversation_id, @text, @visibility, @updated_at, @rejected_code, @rejected_message, @rejected_details)
    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, visibility = excluded.visibility, updated_at = excluded.updated_at,
      rejected_code = excluded.rejected_code, rejected_message = excluded.rejected_message, rejected_details = excluded.rejected_details`);
  const currentNote = db.prepare('SELECT * FROM note_drafts WHERE conversation_id = ?');
  const upsertNote = db.prepare(`INSERT INTO note_drafts(conversation_id, text, updated_at, rejected_code, rejected_message, refusal_id)
    VALUES (@conversation_id, @text, @updated_at, @rejected_code, @rejected_message, @refusal_id)
    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at,
      rejected_code = excluded.rejected_code, rejected_message = excluded.rejected_message, refusal_id = excluded.refusal_id`);
  const noteDrafts = work.note_drafts ?? [];
  durableTransaction(db, () => {
    for (const r of work.outbox) outbox += insert.run({ ...r, state: r.state === 'failed' ? 'failed' : 'pending' }).changes;
    for (const d of work.drafts) {
      const here = current.get(d.conversation_id) as DraftRow | undefined;
      upsert.run(here ? mergeDraft(d, here) : d);
    }
    for (const d of noteDrafts) {
      const here = currentNote.get(d.conversation_id) as NoteDraftRow | undefined;
      upsertNote.run(here ? mergeNoteDraft(d, here) : d);
    }
    db.prepare("INSERT INTO meta(key, value) VALUES ('kept_restored', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(work.id));
  });
  store.remove(hubUrl, agentId);
  return { outbox, drafts: work.drafts.length + noteDrafts.length };
}

/** Two drafts of one conversation: both texts are kept (the older first), the refusal note of either. */
function mergeDraft(older: DraftRow, newer: DraftRow): DraftRow {
  const [a, b] = older.updated_at <= newer.updated_at ? [older, newer] : [newer, older];
  const text = a.text.trim() === '' || a.text === b.text || b.text.includes(a.text) ? b.text : b.text.trim() === '' ? a.text : `${a.text}\n\n${b.text}`;
  const rejected = b.rejected_code ? b : a;
  return {
    ...b, text,
    rejected_code: rejected.rejected_code, rejected_message: rejected.rejected_message, rejected_details: rejected.rejected_details,
  };
}

/** Two note drafts of one conversation: both texts kept (the older first), the refusal of either. */
function mergeNoteDraft(older: NoteDraftRow, newer: NoteDraftRow): NoteDraftRow {
  const [a, b] = older.updated_at <= newer.updated_at ? [older, newer] : [newer, older];
  const text = a.text.trim() === '' || a.text === b.text || b.text.includes(a.text) ? b.text : b.text.trim() === '' ? a.text : `${a.text}\n\n${b.text}`;
  const rejected = b.rejected_code ? b : a;
  return { ...b, text, rejected_code: rejected.rejected_code, rejected_message: rejected.rejected_message, refusal_id: rejected.refusal_id };
}
