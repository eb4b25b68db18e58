/**
 * 1090: a rejected reply's text goes back to its author's composer once per author, not once per
 * desktop (issue 15 approvals). The first of the author's desktops to take it back
 * (`take_back_rejected` mutation) records it here; the others are refused and put nothing back, so a
 * text cleared on one desktop never returns on another signed in later.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec('ALTER TABLE approvals ADD COLUMN taken_back_at timestamptz');
}
