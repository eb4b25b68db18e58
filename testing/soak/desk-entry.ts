/**
 * The soak's desktop: the real desktop core (main/core, LocalDesktopService on its own SQLite cache
 * folder) in a process of its own, so the soak can SIGKILL it, driven over the IPC channel of
 * child_process.fork as the renderer drives it over the contract:
 *
 *   → {id, op: 'handle', name, req}   ← {id, ok: true, value} | {id, ok: false, error: {code, message}}
 *   → {id, op: 'sync'}                 push, pull and hydrate now (engine.syncNow), answers with the status
 *   → {id, op: 'drafts'}               every draft in the cache (the checker reads what the agent typed)
 *   → {id, op: 'unsent'}               outbox rows not acknowledged yet, with their payload
 *   → {id, op: 'conversations'}        every cached conversation's id, status, assignee and team
 *
 *   node desk.mjs <data dir>
 */
import { LocalDesktopService } from '../../main/core/core';
import { request } from '../../main/core/service';

const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage: fork(desk.mjs, [<data dir>]) with an IPC channel');

// SOAK_DESK_LOG (the soak's SOAK_TRACE_DIR): the sync engine's log lines on stderr
const log = process.env.SOAK_DESK_LOG ? (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined;
const core = new LocalDesktopService({ dataDir, sync: { backoffBaseMs: 50, backoffMaxMs: 400, pollMs: 10_000, ...(log ? { log } : {}) } });
const send = (m: unknown) => process.send!(m);

type Msg = { id: number; op: 'handle'; name: string; req: unknown } | { id: number; op: 'sync' | 'drafts' | 'unsent' | 'conversations' | 'close' };

process.on('message', (m: Msg) => {
  void (async () => {
    try {
      let value: unknown;
      if (m.op === 'handle') value = await request(core, m.name as never, m.req as never); // parsed at the edge, as the transports do
      else if (m.op === 'sync') { await core.engine.syncNow(); value = core.status(); }
      else if (m.op === 'drafts') value = core.db.prepare('SELECT conversation_id, text, rejected_code FROM drafts UNION ALL SELECT conversation_id, text, rejected_code FROM note_drafts').all();
      else if (m.op === 'unsent') value = core.db.prepare("SELECT type, args, state, conversation_id FROM outbox WHERE state <> 'acked' ORDER BY seq").all();
      else if (m.op === 'conversations') value = core.db.prepare('SELECT id, status, assignee_id, team_id FROM conversations ORDER BY id').all();
      else if (m.op === 'close') { await core.close(); value = true; }
      send({ id: m.id, ok: true, value });
      if (m.op === 'close') process.exit(0);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      send({ id: m.id, ok: false, error: { code: e.code ?? 'error', message: e.message ?? String(err) } });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
