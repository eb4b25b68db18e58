/**
 * Runs of macros and bulk actions (issue 15): each plan (expand.ts) becomes ordinary outbox mutations
 * in ONE durable transaction, so a run works offline and syncs exactly once (the hub is idempotent by
 * mutation id), with the conversations shown changed in the cache at once.
 *
 * Undo: every row of a run is held for its undo window (outbox.held_until; the outbox sends nothing
 * at or after a held row until it is due), so nothing — a public reply least of all — leaves the
 * desktop before the window closes. Undo in the window deletes the run's rows and puts the
 * conversations back as they were before the run (the snapshots); after it, undo is refused.
 *
 * Summary: one item per mutation (and one per conversation refused here), updated by the outbox
 * as the hub answers (applied, refused with its code and reason, stopped on an error) — a refusal is
 * never dropped silently.
 */
import { randomUUID } from 'node:crypto';
import type { ActionSummary } from '../../../shared/contract/desktop';
import type { Db } from '../db/open';
import { durableTransaction } from '../db/open';
import { CoreError } from '../errors';
import type { Outbox, QueuedMutation } from '../outbox';
import type { ScopeOwner } from '../sync/scope';
import type { Plan } from './expand';

/** How long a run can be taken back by default, and at most. */
export const UNDO_WINDOW_MS = 5_000;
export const MAX_UNDO_WINDOW_MS = 30_000;

interface Snapshot { id: string; assignee_id: string | null; team_id: string | null; status: string; tab: string; priority_rank: number; sla_key: string | null; data: string }
interface ItemRow { seq: number; conversation_id: string; outbox_id: string | null; step: string; state: ActionSummary['items'][number]['state']; code: string | null; message: string | null }

export class ActionRuns {
  constructor(private readonly db: Db, private readonly outbox: Outbox) {}

  /**
   * Queues the plans as one run. Mutations go in step order across conversations (all first steps,
   * then all second ones…), so a bulk action sends in as many batches as it has steps; the steps
   * after a reply depend on it (a refused reply takes them with it, as reply-and-resolve does).
   */
  run(owner: ScopeOwner, kind: 'macro' | 'bulk', label: string, plans: Plan[], holdMs: number, now = Date.now()): { run_id: string; held_until: string | null } {
    const runId = randomUUID();
    const heldUntil = holdMs > 0 ? new Date(now + holdMs).toISOString() : null;
    const touched = plans.filter((p) => p.refused === null && p.mutations.length > 0).map((p) => p.conversation_id);
    const queued: Array<QueuedMutation & { step: string }> = [];
    const replyOf = new Map<string, string>();
    const depth = Math.max(0, ...plans.map((p) => p.mutations.length));
    for (let i = 0; i < depth; i++) {
      for (const p of plans) {
        const m = p.mutations[i];
        if (!m || p.refused) continue;
        const id = randomUUID();
        const rowId = m.type === 'reply' ? m.args.message_id : m.type === 'note' ? m.args.note_id : undefined;
        queued.push({
          id, type: m.type, args: m.args, conversation_id: p.conversation_id, message_id: rowId,
          depends_on: replyOf.get(p.conversation_id), run_id: runId, held_until: heldUntil ?? undefined, step: m.step,
        });
        if (m.type === 'reply') replyOf.set(p.conversation_id, id);
      }
    }
    const snapshot = this.db.prepare('SELECT id, assignee_id, team_id, status, tab, priority_rank, sla_key, data FROM conversations WHERE id = ?');
    const insertItem = this.db.prepare('INSERT INTO action_items(run_id, seq, conversation_id, outbox_id, step, state, code, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.outbox.enqueue(queued, () => {
      const snapshots = touched.map((id) => snapshot.get(id) as Snapshot | undefined).filter((s): s is Snapshot => s !== undefined);
      this.db.prepare('INSERT INTO action_runs(id, kind, label, created_at, held_until, snapshots) VALUES (?, ?, ?, ?, ?, ?)')
        .run(runId, kind, label, new Date(now).toISOString(), heldUntil, JSON.stringify(snapshots));
      let seq = 0;
      for (const p of plans) {
        if (p.refused) insertItem.run(runId, seq++, p.conversation_id, null, 'all', 'refused', p.refused.code, p.refused.message);
        else if (p.mutations.length === 0) insertItem.run(runId, seq++, p.conversation_id, null, 'none', 'applied', null, 'nothing to change');
      }
      for (const q of queued) insertItem.run(runId, seq++, q.conversation_id, q.id, q.step, 'queued', null, null);
      for (const p of plans) {
        if (p.refused) continue;
        const patch = Object.assign({}, ...p.mutations.map((m) => m.patch ?? {}));
        if (Object.keys(patch).length) this.outbox.applyLocally(owner, p.conversation_id, patch);
      }
    });
    return { run_id: runId, held_until: heldUntil };
  }

  /** Takes a run back while it is held: its rows leave the outbox, its conversations are as before. */
  undo(runId: string, now = Date.now()): { conversation_ids: string[] } {
    return durableTransaction(this.db, () => {
      const run = this.db.prepare('SELECT held_until, undone_at, snapshots FROM action_runs WHERE id = ?').get(runId) as { held_until: string | null; undone_at: string | null; snapshots: string } | undefined;
      if (!run) throw new CoreError('not_found', `no run ${runId}`);
      if (run.undone_at) return { conversation_ids: [] };
      // the same clock and comparison as Outbox.nextBatch: a row it may send is a row undo may not take back
      const sent = this.db.prepare("SELECT count(*) FROM outbox WHERE run_id = ? AND (state <> 'pending' OR held_until IS NULL OR held_until <= ?)").pluck().get(runId, new Date(now).toISOString()) as number;
      const answered = this.db.prepare("SELECT count(*) FROM action_items WHERE run_id = ? AND outbox_id IS NOT NULL AND state <> 'queued'").pluck().get(runId) as number;
      if (run.held_until === null || run.held_until <= new Date(now).toISOString() || sent > 0 || answered > 0) {
        throw new CoreError('too_late', 'too late to undo: it has been sent (or is being sent) to the hub');
      }
      this.db.prepare('DELETE FROM outbox WHERE run_id = ?').run(runId);
      const restore = this.db.prepare(`UPDATE conversations SET assignee_id = @assignee_id, team_id = @team_id, status = @status, tab = @tab,
        priority_rank = @priority_rank, sla_key = @sla_key, data = @data WHERE id = @id`);
      const snapshots = JSON.parse(run.snapshots) as Snapshot[];
      for (const s of snapshots) restore.run(s);
      this.db.prepare("UPDATE action_items SET state = 'undone' WHERE run_id = ? AND outbox_id IS NOT NULL").run(runId);
      this.db.prepare('UPDATE action_runs SET undone_at = ? WHERE id = ?').run(new Date(now).toISOString(), runId);
      return { conversation_ids: snapshots.map((s) => s.id) };
    });
  }

  /** What applied, what waits, what was refused and why, per conversation. */
  summary(runId: string, now = Date.now()): ActionSummary {
    const run = this.db.prepare('SELECT id, kind, label, created_at, held_until, undone_at FROM action_runs WHERE id = ?').get(runId) as
      { id: string; kind: 'macro' | 'bulk'; label: string; created_at: string; held_until: string | null; undone_at: string | null } | undefined;
    if (!run) throw new CoreError('not_found', `no run ${runId}`);
    const items = this.db.prepare('SELECT seq, conversation_id, outbox_id, step, state, code, message FROM action_items WHERE run_id = ? ORDER BY seq').all(runId) as ItemRow[];
    const names = this.db.prepare(`SELECT cu.data FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?`).pluck();
    const byConv = new Map<string, ItemRow[]>();
    for (const it of items) byConv.set(it.conversation_id, [...(byConv.get(it.conversation_id) ?? []), it]);
    const conversations = [...byConv].map(([id, its]) => {
      const state = its.some((i) => i.state === 'refused') ? 'refused' as const
        : its.some((i) => i.state === 'stopped') ? 'stopped' as const
          : its.every((i) => i.state === 'undone') ? 'undone' as const
            : its.every((i) => i.state === 'applied') ? 'applied' as const : 'pending' as const;
      const why = its.find((i) => i.state === 'refused' || i.state === 'stopped');
      const raw = names.get(id) as string | undefined;
      return {
        conversation_id: id, customer_name: raw ? (JSON.parse(raw) as { name: string }).name : null, state,
        code: why?.code ?? null, message: why?.message ?? null,
      };
    });
    const count = (s: string) => conversations.filter((c) => c.state === s).length;
    return {
      run_id: run.id, kind: run.kind, label: run.label, created_at: run.created_at, held_until: run.held_until, undone: run.undone_at !== null,
      undoable: run.undone_at === null && run.held_until !== null && run.held_until > new Date(now).toISOString(),
      total: conversations.length, applied: count('applied'), pending: count('pending'), refused: count('refused') + count('stopped'),
      conversations,
      items: items.map((i) => ({ conversation_id: i.conversation_id, step: i.step, state: i.state, code: i.code, message: i.message })),
    };
  }
}
