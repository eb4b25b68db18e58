/**
 * The per-conversation metric facts (migrations 0600, 0720) are refreshed off the write path:
 * writes only mark the conversation (metric_facts_dirty) and a flush refreshes the marked ones
 * in a batch — on a timer in the hub, and before every metrics read. A read stays exact even
 * when a write lands between the flush and the read: it computes a still-marked conversation's
 * facts on the spot (factsColumns).
 */
import type { Queryable } from '../db/db';

/** Refreshes every marked conversation's facts; returns how many conversations it refreshed. */
export async function flushMetricFacts(db: Queryable): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT tend_metric_flush() AS n');
  return r.n;
}

/**
 * SQL for the facts of conversation `c` (msgs, evs, active: its handle-time spans), given `f` = its metric_conversation_facts row
 * and `d` = its row of dirtyConversationsJoin (null when not marked).
 */
export const factsColumns = (c: string, f: string, d: string) => ({
  msgs: `CASE WHEN ${d}.conversation_id IS NULL THEN coalesce(${f}.msgs, '') ELSE tend_metric_msgs(${c}.id) END`,
  evs: `CASE WHEN ${d}.conversation_id IS NULL THEN coalesce(${f}.evs, '') ELSE tend_metric_evs(${c}.id) END`,
  active: `CASE WHEN ${d}.conversation_id IS NULL THEN coalesce(${f}.active, '') ELSE tend_metric_active(${c}.id) END`,
});

/** LEFT JOIN of the marked conversations as `d`, on conversation `c`. */
export const dirtyConversationsJoin = (c: string, d: string) =>
  `LEFT JOIN (SELECT DISTINCT conversation_id FROM metric_facts_dirty) ${d} ON ${d}.conversation_id = ${c}.id`;

export interface MetricFactsRefresher {
  /** stops the timer and waits for a running flush */
  stop(): Promise<void>;
}

/**
 * Flushes on a timer, so the marks stay few and a metrics read finds little to do. A flush is one
 * short statement; the interval bounds how much one flush holds the (single-connection) database.
 */
export function startMetricFactsRefresher(db: Queryable, options: { intervalMs?: number; onError?: (err: unknown) => void } = {}): MetricFactsRefresher {
  const interval = options.intervalMs ?? 500;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = flushMetricFacts(db)
      .catch((err) => { if (!stopped) options.onError?.(err); })
      .finally(() => { running = null; });
  }, interval);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
