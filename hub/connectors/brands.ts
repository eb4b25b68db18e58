/**
 * The brand's configured accounts (TEND_BRAND_ACCOUNTS) into a workspace's brand_identities, where
 * the Ingestor looks a post's author up (with the workspace's channel accounts and the accounts it
 * learned from the brand's own posts). Written once per workspace when posts first arrive for it.
 */
import type { Queryable } from '../db/db';
import type { BrandAccount } from './types';

export async function seedBrandAccounts(db: Queryable, workspaceId: string, brands: BrandAccount[]): Promise<void> {
  for (const b of brands) {
    const rows: Array<[string, string]> = [];
    if (b.id) rows.push(['id', b.id]);
    if (b.handle) rows.push(['handle', b.handle.replace(/^@/, '').toLowerCase()]);
    for (const [kind, value] of rows) {
      await db.query(
        `INSERT INTO brand_identities (workspace_id, channel, kind, value, source) VALUES ($1, $2, $3, $4, 'config') ON CONFLICT DO NOTHING`,
        [workspaceId, b.channel, kind, value]);
    }
  }
}
