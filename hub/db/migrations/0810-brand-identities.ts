/**
 * 0810: the brand's own accounts per workspace and channel, by platform id or by handle (lower case):
 * configured (TEND_BRAND_ACCOUNTS, written at start by the connectors module) or learned from the
 * brand's own posts. A post by one of them is the brand's and never makes a customer (ingest).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE brand_identities (
  workspace_id text NOT NULL REFERENCES workspaces(id),
  channel text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('id', 'handle')),
  value text NOT NULL,
  source text NOT NULL CHECK (source IN ('config', 'learned')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, channel, kind, value)
);
`);
}
