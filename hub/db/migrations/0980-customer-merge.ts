/**
 * 0980: customer merges (hub/customers). A merged customer keeps its row, pointing at the one it
 * was merged into; `customer_merges` remembers what moved (handles, conversations) and what the
 * kept customer was before, so a merge can be undone.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE customers ADD COLUMN merged_into text REFERENCES customers(id);
CREATE TABLE customer_merges (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  into_id text NOT NULL REFERENCES customers(id),
  from_id text NOT NULL REFERENCES customers(id),
  identity_ids bigint[] NOT NULL,
  conversation_ids text[] NOT NULL,
  into_before jsonb NOT NULL,
  merged_by text NOT NULL REFERENCES agents(id),
  merged_at timestamptz NOT NULL DEFAULT now(),
  undone_at timestamptz,
  undone_by text REFERENCES agents(id)
);
CREATE INDEX customer_merges_into ON customer_merges (into_id);
`);
}
