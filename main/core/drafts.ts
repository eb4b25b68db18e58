import { z } from 'zod';
import type { Draft } from '../../shared/contract/desktop';
import { ConflictSchema } from '../../shared/contract/routing';
import type { RejectionCode } from '../../shared/contract/hub-api';
import type { Visibility } from '../../shared/domain';
import type { Db } from './db/open';

interface DraftRow {
  conversation_id: string; text: string; visibility: Visibility; updated_at: string;
  rejected_code: string | null; rejected_message: string | null; rejected_details: string | null;
}

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
  rejected: r.rejected_code ? { code: r.rejected_code as RejectionCode, message: r.rejected_message ?? '', ...detailsOf(r.rejected_details) } : null,
});

export function getDraft(db: Db, conversationId: string): Draft | null {
  const row = db.prepare('SELECT * FROM drafts WHERE conversation_id = ?').get(conversationId) as DraftRow | undefined;
  return row ? toDraft(row) : null;
}

/**
 * Saved on every change the agent makes. An empty text deletes the draft, unless it still
 * carries a rejection the agent has not seen resolved. Editing keeps the rejection note.
 * Durable commit: a draft is the agent's work and must survive a crash or power loss.
 */
export function saveDraft(db: Db, conversationId: string, text: string, visibility: Visibility): void {
  const now = new Date().toISOString();
  db.pragma('synchronous = FULL');
  try {
    if (text.length === 0) {
      db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
      return;
    }
    db.prepare(`INSERT INTO drafts(conversation_id, text, visibility, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, visibility = excluded.visibility, updated_at = excluded.updated_at`)
      .run(conversationId, text, visibility, now);
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

export function deleteDraft(db: Db, conversationId: string): void {
  db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
}

/**
 * A reply the hub refused comes back as the conversation's draft with the reason. If the agent
 * has written a newer draft meanwhile, both texts are kept (refused one first).
 */
export function restoreRejected(db: Db, conversationId: string, text: string, visibility: Visibility, code: RejectionCode, message: string, details?: RejectionDetails): void {
  const existing = getDraft(db, conversationId);
  const merged = existing && existing.text.trim() !== '' && existing.text !== text ? `${text}\n\n${existing.text}` : text;
  const kept = details && (details.conflicts !== undefined || details.confirm_token !== undefined)
    ? JSON.stringify({ conflicts: details.conflicts, confirm_token: details.confirm_token }) : null;
  db.prepare(`INSERT INTO drafts(conversation_id, text, visibility, updated_at, rejected_code, rejected_message, rejected_details) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, visibility = excluded.visibility, updated_at = excluded.updated_at,
      rejected_code = excluded.rejected_code, rejected_message = excluded.rejected_message, rejected_details = excluded.rejected_details`)
    .run(conversationId, merged, existing?.visibility ?? visibility, new Date().toISOString(), code, message, kept);
}
