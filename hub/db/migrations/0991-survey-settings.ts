/**
 * 0991: how a workspace asks its surveys (issue 12): CSAT and Net Easy wording, whether each is
 * asked, where (a private message where the platform allows it, a public reply only if chosen) and
 * how long after the resolve. NULL: the defaults (hub/metrics/store.ts DEFAULT_SURVEY_SETTINGS).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec('ALTER TABLE metrics_settings ADD COLUMN surveys jsonb');
}
