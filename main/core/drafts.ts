import { z } from 'zod';
import type { Draft, NoteDraft } from '../../shared/contract/desktop';
import { ConflictSchema } from '../../shared/contract/routing';
import type { RejectionCode } from '../../shared/contract/hub-api';
import type { Visibility } from '../../shared/domain';
import type { Db } from './db/open';

interface DraftRow {
  conversation_id: string; text: string; visibility: Visibility; updated_at: string;
  rejected_code: string | null; rejected_message: string | null; rejected_details: string | null;
  /** the refusal the draft carries (db migration 0170), and its refused texts no composer has shown yet */
  refusal_id: string | null; refused_text: string | null;
}

/**
 * What the agent's composer showed: the id of the newest refusal it displayed (null: none). Undefined
 * when the caller does not track refusals: then it is taken to have seen them all.
 */
export type RefusalSeen = string | null | undefined;

/** A refusal came back after the composer last showed the draft: its refused texts are not on the agent's screen. */
const unseenRefusal = (row: DraftRow | undefined, seen: RefusalSeen): string | null =>
  seen !== undefined && row?.refusal_id && row.refused_text && row.refusal_id !== seen ? row.refused_text : null;

const rowOf = (db: Db, conversationId: string) => db.prepare('SELECT * FROM drafts WHERE conversation_id = ?').get(conversationId) as DraftRow | undefined;

/** What a refusal's details may tell the agent (a 'collision': conflicts and the token to send anyway). */
export interface RejectionDetails { conflicts?: unknown; confirm_token?: unknown }

function detailsOf(raw: string | null): Pick<NonNullable<Draft['rejected']>, 'conflicts' | 'confirm_token'> {
  if (!raw) return {};
  const d = JSON.parse(raw) as RejectionDetails;
  const conflicts = z.array(ConflictSchema).safeParse(d.conflicts);
  return {
    ...(conflicts.success ? { conflicts: conflicts.data } : {}),
    ...(typeof d.confirm_token === 'string' ? { confirm_token: d.confirm_token } : {}),
  };
}

const toDraft = (r: DraftRow): Draft => ({
  conversation_id: r.conversation_id, text: r.text, visibility: r.visibility, updated_at: r.updated_at,
  rejected: r.rejected_code ? {
    code: r.rejected_code as RejectionCode, message: r.rejected_message ?? '', ...detailsOf(r.rejected_details), ...(r.refusal_id ? { id: r.refusal_id } : {}),
  } : null,
});

export function getDraft(db: Db, conversationId: string): Draft | null {
  const row = rowOf(db, conversationId);
  return row ? toDraft(row) : null;
}

/**
 * Saved on every change the agent makes. An empty text deletes the draft. Editing keeps the
 * rejection note. A refusal that came back after the composer last showed the draft (`seen` names
 * an older one) is never overwritten: its text stays first, the composer's text after it.
 * Durable commit: a draft is the agent's work and must survive a crash or power loss.
 */
export function saveDraft(db: Db, conversationId: string, text: string, visibility: Visibility, seen?: RefusalSeen): void {
  const now = new Date().toISOString();
  db.pragma('synchronous = FULL');
  try {
    const unseen = unseenRefusal(rowOf(db, conversationId), seen);
    if (unseen !== null) {
      const kept = text.trim() === '' ? unseen : text.includes(unseen) ? text : `${unseen}\n\n${text}`;
      db.prepare('UPDATE drafts SET text = ?, visibility = ?, updated_at = ? WHERE conversation_id = ?').run(kept, visibility, now, conversationId);
      return;
    }
    if (text.length === 0) {
      db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
      return;
    }
    // the composer shows every refused text now: none is waiting to be shown
    db.prepare(`INSERT INTO drafts(conversation_id, text, visibility, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, visibility = excluded.visibility, updated_at = excluded.updated_at, refused_text = NULL`)
      .run(conversationId, text, visibility, now);
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

/**
 * The draft a reply was sent from is done with (call inside the send's transaction). A refusal that
 * came back after the composer last showed the draft stays as the draft, with its reason: the agent
 * sent something else and has not seen it.
 */
export function takeDraftForSend(db: Db, conversationId: string, sentText: string, seen?: RefusalSeen): void {
  const unseen = unseenRefusal(rowOf(db, conversationId), seen);
  if (unseen !== null && !sentText.includes(unseen)) {
    db.prepare('UPDATE drafts SET text = ?, updated_at = ? WHERE conversation_id = ?').run(unseen, new Date().toISOString(), conversationId);
    return;
  }
  deleteDraft(db, conversationId);
}

export function deleteDraft(db: Db, conversationId: string): void {
  db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
}

/**
 * A reply the hub refused comes back as the conversation's draft with the reason. If the agent
 * has written a newer draft meanwhile, both texts are kept (refused one first). `refusalId` (the
 * refused outbox row) lets a composer say which refusals it has shown (see saveDraft).
 */
export function restoreRejected(db: Db, conversationId: string, text: string, visibility: Visibility, code: RejectionCode, message: string,
  details?: RejectionDetails, refusalId?: string): void {
  const existing = rowOf(db, conversationId);
  const merged = existing && existing.text.trim() !== '' && existing.text !== text ? `${text}\n\n${existing.text}` : text;
  const kept = details && (details.conflicts !== undefined || details.confirm_token !== undefined)
    ? JSON.stringify({ conflicts: details.conflicts, confirm_token: details.confirm_token }) : null;
  // refused texts no composer has shown yet pile up until one shows them (a save or a send naming this refusal)
  const refused = existing?.refused_text && !existing.refused_text.includes(text) ? `${existing.refused_text}\n\n${text}` : existing?.refused_text ?? text;
  db.prepare(`INSERT INTO drafts(conversation_id, text, visibility, updated_at, rejected_code, rejected_message, rejected_details, refusal_id, refused_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, visibility = excluded.visibility, updated_at = excluded.updated_at,
      rejected_code = excluded.rejected_code, rejected_message = excluded.rejected_message, rejected_details = excluded.rejected_details,
      refusal_id = excluded.refusal_id, refused_text = excluded.refused_text`)
    .run(conversationId, merged, existing?.visibility ?? visibility, new Date().toISOString(), code, message, kept, refusalId ?? null, refused);
}

// ---- note drafts (db migration 0240): an internal note's text, never the reply's ----

export interface NoteDraftRow {
  conversation_id: string; text: string; updated_at: string;
  rejected_code: string | null; rejected_message: string | null; refusal_id: string | null;
}

const noteRowOf = (db: Db, conversationId: string) => db.prepare('SELECT * FROM note_drafts WHERE conversation_id = ?').get(conversationId) as NoteDraftRow | undefined;

const toNoteDraft = (r: NoteDraftRow): NoteDraft => ({
  conversation_id: r.conversation_id, text: r.text, updated_at: r.updated_at,
  rejected: r.rejected_code ? { code: r.rejected_code as RejectionCode, message: r.rejected_message ?? '', ...(r.refusal_id ? { id: r.refusal_id } : {}) } : null,
});

export function getNoteDraft(db: Db, conversationId: string): NoteDraft | null {
  const row = noteRowOf(db, conversationId);
  return row ? toNoteDraft(row) : null;
}

/**
 * An internal note the hub refused (a handover summary, a colleague's note, customer notes) comes back
 * as the conversation's note draft with the reason, never into the reply draft (which the composer
 * sends to the customer). A note draft there already keeps its text after the refused one.
 */
export function restoreRefusedNote(db: Db, conversationId: string, text: string, code: RejectionCode, message: string, refusalId: string): void {
  const existing = noteRowOf(db, conversationId);
  const merged = existing && existing.text.trim() !== '' && !existing.text.includes(text) ? `${text}\n\n${existing.text}` : existing?.text.includes(text) ? existing.text : text;
  db.prepare(`INSERT INTO note_drafts(conversation_id, text, updated_at, rejected_code, rejected_message, refusal_id) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at,
      rejected_code = excluded.rejected_code, rejected_message = excluded.rejected_message, refusal_id = excluded.refusal_id`)
    .run(conversationId, merged, new Date().toISOString(), code, message, refusalId);
}

/**
 * The composer's Internal note text, saved as the agent types (an empty text deletes it). The refusal
 * mark stays while the agent edits. A save from a composer that has not shown the newest refusal
 * (`seen` names another) keeps the note draft's text first: it holds a refused note the agent has not seen.
 */
export function saveNoteDraft(db: Db, conversationId: string, text: string, seen?: RefusalSeen): void {
  const now = new Date().toISOString();
  db.pragma('synchronous = FULL');
  try {
    const row = noteRowOf(db, conversationId);
    if (row?.refusal_id && seen !== undefined && row.refusal_id !== seen) {
      const kept = text.trim() === '' || row.text.includes(text) ? row.text : text.includes(row.text) ? text : `${row.text}\n\n${text}`;
      db.prepare('UPDATE note_drafts SET text = ?, updated_at = ? WHERE conversation_id = ?').run(kept, now, conversationId);
      return;
    }
    if (text.length === 0) {
      db.prepare('DELETE FROM note_drafts WHERE conversation_id = ?').run(conversationId);
      return;
    }
    db.prepare(`INSERT INTO note_drafts(conversation_id, text, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`).run(conversationId, text, now);
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

/**
 * The note draft a note was added from is done with (call inside the note's transaction). Only a
 * composer that says which refusal it showed (`seen`) takes it, and never one that came back since.
 */
export function takeNoteDraft(db: Db, conversationId: string, seen: RefusalSeen): void {
  if (seen === undefined) return;
  const row = noteRowOf(db, conversationId);
  if (row && (row.refusal_id === null || row.refusal_id === seen)) db.prepare('DELETE FROM note_drafts WHERE conversation_id = ?').run(conversationId);
}
