/**
 * The workspace's approval rules (approval_settings) and the holds other features add (approval_holds).
 *
 * For other hub modules (crisis mode, hub/spikes): `requireApproval(db, workspaceId, { key, topic, reason })`
 * makes every public reply on `topic` (its analysed topic or intent), or every public reply of the
 * workspace (`topic: null`), wait for approval from the next reply on; `releaseApproval(db, workspaceId, key)`
 * removes exactly that requirement again. Replies already waiting keep waiting (an approver decides them).
 * The admin's own workspace-wide switch is `rules.all_public` (setApprovalRules / the settings screen).
 */
import { ApprovalRulesSchema, DEFAULT_APPROVAL_RULES, type ApprovalHold, type ApprovalRules, type ApprovalSettingsView } from '../../shared/contract/approvals';
import type { Queryable } from '../db/db';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function getApprovalRules(q: Queryable, workspaceId: string): Promise<ApprovalRules> {
  const [row] = await q.query<{ rules: unknown }>('SELECT rules FROM approval_settings WHERE workspace_id = $1', [workspaceId]);
  if (!row) return DEFAULT_APPROVAL_RULES;
  // stored by an older hub with fewer rules: the missing ones are off
  const parsed = ApprovalRulesSchema.safeParse({ ...DEFAULT_APPROVAL_RULES, ...(row.rules as object) });
  return parsed.success ? parsed.data : DEFAULT_APPROVAL_RULES;
}

export async function getApprovalHolds(q: Queryable, workspaceId: string): Promise<ApprovalHold[]> {
  const rows = await q.query<{ key: string; topic: string | null; reason: string; created_at: Date }>(
    'SELECT key, topic, reason, created_at FROM approval_holds WHERE workspace_id = $1 ORDER BY created_at, key', [workspaceId]);
  return rows.map((r) => ({ key: r.key, topic: r.topic, reason: r.reason, created_at: iso(r.created_at)! }));
}

export async function approvalSettingsView(q: Queryable, workspaceId: string): Promise<ApprovalSettingsView> {
  const [rules, holds, agents, [meta]] = await Promise.all([
    getApprovalRules(q, workspaceId),
    getApprovalHolds(q, workspaceId),
    q.query<{ id: string; name: string; role: string }>('SELECT id, name, role FROM agents WHERE workspace_id = $1 ORDER BY name, id', [workspaceId]),
    q.query<{ updated_at: Date; updated_by: string | null }>('SELECT updated_at, updated_by FROM approval_settings WHERE workspace_id = $1', [workspaceId]),
  ]);
  return { rules, holds, agents, updated_at: iso(meta?.updated_at ?? null), updated_by: meta?.updated_by ?? null };
}

/** Thrown for rules that name what is not in the workspace: a 400 with the reason (routes.ts). */
export class ApprovalRulesError extends Error {}

/** Replaces the rules, whole (already parsed with ApprovalRulesSchema). Agents named must be people of the workspace. */
export async function setApprovalRules(q: Queryable, workspaceId: string, rules: ApprovalRules, byAgentId: string): Promise<void> {
  const ids = [...new Set(rules.agents_in_training)];
  if (ids.length) {
    const found = new Set((await q.query<{ id: string }>('SELECT id FROM agents WHERE workspace_id = $1 AND id = ANY($2::text[])', [workspaceId, ids])).map((r) => r.id));
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) throw new ApprovalRulesError(`agents_in_training: no such person in this workspace: ${unknown.join(', ')}`);
  }
  const clean: ApprovalRules = {
    ...rules,
    agents_in_training: ids,
    topics: [...new Set(rules.topics.map((t) => t.trim()))],
    keywords: [...new Set(rules.keywords.map((k) => k.trim()))],
  };
  await q.query(`INSERT INTO approval_settings (workspace_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (workspace_id) DO UPDATE SET rules = EXCLUDED.rules, updated_by = EXCLUDED.updated_by, updated_at = now()`,
  [workspaceId, JSON.stringify(clean), byAgentId]);
}

/**
 * Public replies on `topic` (null: every public reply of the workspace) need approval, from the next
 * reply on, until `releaseApproval(key)`. The same key replaces its earlier requirement.
 */
export async function requireApproval(q: Queryable, workspaceId: string, hold: { key: string; topic: string | null; reason: string }): Promise<void> {
  if (!hold.key.trim()) throw new Error('requireApproval: a key is needed to release it later');
  await q.query(`INSERT INTO approval_holds (workspace_id, key, topic, reason) VALUES ($1, $2, $3, $4)
    ON CONFLICT (workspace_id, key) DO UPDATE SET topic = EXCLUDED.topic, reason = EXCLUDED.reason`,
  [workspaceId, hold.key, hold.topic?.trim() || null, hold.reason.trim() || 'approval required']);
}

/** Removes the requirement `key` added; true when there was one. */
export async function releaseApproval(q: Queryable, workspaceId: string, key: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM approval_holds WHERE workspace_id = $1 AND key = $2 RETURNING key', [workspaceId, key]);
  return rows.length > 0;
}
