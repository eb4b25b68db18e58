/**
 * metrics: the /v1/metrics/* endpoints, metric facts refreshed off the write path (facts.ts),
 * survey answers read on ingest (they do not reopen a conversation) and, when asked, survey
 * questions sent after a resolve (survey-delivery.ts).
 */
import type { HubModule, InboundAnswers } from '../api/module';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';
import { startMetricFactsRefresher, type MetricFactsRefresher } from './facts';
import { registerMetricsRoutes, type ReportSections } from './routes';
import { createSurveyHook } from './survey-delivery';
import { recordSurveyAnswer } from './store';

export interface MetricsModuleOptions {
  /** the /v1/metrics/* endpoints (default true) */
  routes?: boolean;
  /** more sections of the workspace's report from other modules (hub/spikes: `crisis_periods`), handed in by modules.ts */
  sections?: ReportSections;
  /** a read replica for reports (DATABASE_REPLICA_URL) */
  replica?: Queryable;
  /** CSAT and effort questions sent after a resolve (default false) */
  surveys?: boolean;
  onError?: (err: unknown) => void;
}

/** An inbound post to a conversation with an open survey may be its answer. */
export const surveyAnswers: InboundAnswers = {
  waitingSql: (conversationId) => `EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = ${conversationId} AND s.answered_at IS NULL AND s.cancelled_at IS NULL)`,
  async record(w, post) {
    const answer = await recordSurveyAnswer(w, post);
    return answer && { kind: answer.kind, score: answer.score };
  },
};

export function metricsModule(log: ChangeLog, options: MetricsModuleOptions = {}): HubModule {
  let facts: MetricFactsRefresher | null = null;
  return {
    name: 'metrics',
    routes: options.routes === false ? undefined : (app) => registerMetricsRoutes(app, { db: log.db, replica: options.replica, surveysSent: !!options.surveys, sections: options.sections }),
    ingest: { answers: surveyAnswers },
    mutations: { onResolve: options.surveys ? createSurveyHook() : undefined },
    // the metric facts are refreshed off the write path, in batches
    start() { facts = startMetricFactsRefresher(log.db, { onError: options.onError }); },
    stop: () => facts?.stop(),
  };
}
