/**
 * The audit log: every sign-in, failed sign-in, lockout and admin change (agents, roles and teams,
 * routing rules, channel accounts, session revocations), who did it, when and from where. Entries
 * are only ever added. Admins read them page by page with filters and export them as CSV or JSON.
 *
 * Entries without a workspace (a failed sign-in with an e-mail nobody has, a lockout of one) are
 * shown to the admins of every workspace: on a hub with one workspace, they are that workspace's.
 */
import type { AuditRecord } from '../api/module';
import type { Queryable } from '../db/db';
import type { AuditEntry, AuditQuery } from '../../shared/contract/accounts';

export async function recordAudit(q: Queryable, e: AuditRecord): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (workspace_id, actor_id, actor_name, action, target_type, target_id, ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.workspace_id, e.actor_id, e.actor_name, e.action, e.target_type ?? null, e.target_id ?? null, e.ip ?? null,
      JSON.stringify(e.details ?? {})]);
}

/**
 * What the entry is about, by name as it is now (an id means nothing to the admin reading the log):
 * a person, team, channel or customer of the same workspace, a canned response by its shortcode, a macro by its name.
 * Null when it is gone (a customer erased) or has no name (an e-mail or an address is its own name).
 */
const TARGET_NAME = `CASE audit_log.target_type
    WHEN 'agent' THEN (SELECT t.name FROM agents t WHERE t.id = audit_log.target_id)
    WHEN 'team' THEN (SELECT t.name FROM teams t WHERE t.id = audit_log.target_id)
    WHEN 'channel' THEN (SELECT t.name FROM channel_connections t WHERE t.id = audit_log.target_id)
    WHEN 'customer' THEN (SELECT t.name FROM customers t WHERE t.id = audit_log.target_id)
    WHEN 'canned' THEN (SELECT t.shortcode FROM canned_responses t WHERE t.id = audit_log.target_id)
    WHEN 'macro' THEN (SELECT t.name FROM macros t WHERE t.id = audit_log.target_id)
    WHEN 'workspace' THEN (SELECT t.name FROM workspaces t WHERE t.id = audit_log.target_id)
  END`;
const COLUMNS = `id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, workspace_id, actor_id, actor_name,
                 action, target_type, target_id, ${TARGET_NAME} AS target_name, ip, details`;

function where(workspaceId: string, f: Omit<AuditQuery, 'limit'>): { sql: string; params: unknown[] } {
  const params: unknown[] = [workspaceId];
  const parts = ['(workspace_id = $1 OR workspace_id IS NULL)'];
  const add = (cond: (n: string) => string, v: unknown) => { params.push(v); parts.push(cond(`$${params.length}`)); };
  if (f.from) add((n) => `at >= ${n}::timestamptz`, new Date(f.from).toISOString());
  if (f.to) add((n) => `at < ${n}::timestamptz`, new Date(f.to).toISOString());
  if (f.action) {
    // a group (`channel.`) also holds its kinds' actions (`channel_account.created`)
    if (f.action.endsWith('.')) add((n) => `(starts_with(action, ${n}) OR starts_with(action, left(${n}, -1) || '_'))`, f.action);
    else add((n) => `action = ${n}`, f.action);
  }
  if (f.actor_id) add((n) => `actor_id = ${n}`, f.actor_id);
  if (f.target_id) add((n) => `target_id = ${n}`, f.target_id);
  if (f.before) add((n) => `id < ${n}`, f.before);
  return { sql: parts.join(' AND '), params };
}

/** Newest first; `next_before` continues with older entries (null: no more). */
export async function listAudit(q: Queryable, workspaceId: string, f: AuditQuery): Promise<{ entries: AuditEntry[]; next_before: number | null }> {
  const w = where(workspaceId, f);
  const rows = await q.query<AuditEntry>(`SELECT ${COLUMNS} FROM audit_log WHERE ${w.sql} ORDER BY id DESC LIMIT ${f.limit + 1}`, w.params);
  const more = rows.length > f.limit;
  const entries = rows.slice(0, f.limit);
  return { entries, next_before: more ? entries[entries.length - 1].id : null };
}

/** Every matching entry, oldest first, read in pages (an export of a long period never holds one huge result). */
export async function* auditEntries(q: Queryable, workspaceId: string, f: Omit<AuditQuery, 'limit' | 'before'>): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const w = where(workspaceId, f);
    w.params.push(after);
    const rows = await q.query<AuditEntry>(
      `SELECT ${COLUMNS} FROM audit_log WHERE ${w.sql} AND id > $${w.params.length} ORDER BY id LIMIT 5000`, w.params);
    for (const r of rows) yield r;
    if (rows.length < 5000) return;
    after = rows[rows.length - 1].id;
  }
}

const CSV_COLUMNS = ['id', 'at', 'workspace_id', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'target_name', 'ip', 'details'] as const;

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = () => CSV_COLUMNS.join(',') + '\r\n';
export const csvLine = (e: AuditEntry) => CSV_COLUMNS.map((c) => csvField(e[c])).join(',') + '\r\n';
