/**
 * First run (issue 12): a hub with nobody on it yet (no demo, an empty data dir) is set up once,
 * from the app's sign-in screen or `npm run hub -- init`: a workspace (name, time zone) with its
 * support team, the four departments of the care cycle and the starter canned responses, and its
 * first admin. Once anyone exists it is refused (409), so it cannot be used to take a hub over.
 */
import { randomUUID } from 'node:crypto';
import { createWorkspaceWithDefaults } from '../accounts/admin';
import { hashPassword } from '../accounts/auth';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';

export interface FirstRun { workspace_name: string; time_zone: string; name: string; email: string; password: string }

export async function setupNeeded(q: Queryable): Promise<boolean> {
  const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
  return n === 0;
}

export function validTimeZone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

/** Creates the workspace and its first admin, or refuses when the hub is set up already. */
export async function firstRun(log: ChangeLog, s: FirstRun): Promise<{ workspace_id: string; agent_id: string }> {
  if (!validTimeZone(s.time_zone)) throw new HttpError(400, 'invalid', `unknown time zone "${s.time_zone}" (an IANA name such as Europe/Warsaw)`);
  const hash = await hashPassword(s.password);
  let out: { workspace_id: string; agent_id: string } | null = null;
  await log.write(async (w) => {
    // one setup at a time; the second finds someone there
    if (log.db.kind === 'pg') await w.query(`SELECT pg_advisory_xact_lock(hashtext('tend-first-run'))`);
    if (!(await setupNeeded(w))) return;
    const ws = await createWorkspaceWithDefaults(w, s.workspace_name);
    await w.query('UPDATE workspaces SET time_zone = $2 WHERE id = $1', [ws, s.time_zone]);
    const id = randomUUID();
    await w.query(`INSERT INTO agents (id, workspace_id, email, name, role, skills, capacity, password_hash) VALUES ($1, $2, $3, $4, 'admin', '{}', '{}', $5)`,
      [id, ws, s.email, s.name, hash]);
    await w.record('agent', id);
    out = { workspace_id: ws, agent_id: id };
  });
  if (!out) throw new HttpError(409, 'already_set_up', 'this hub is set up already: sign in, or ask its admin for an account');
  return out;
}
