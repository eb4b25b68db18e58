/**
 * quality (issue 15): every resolved conversation gets an automatic quality score in the resolve's own
 * transaction, never blocking it (on-resolve.ts, scored by shared/quality/score.ts); reviewers override items with notes
 * beside it (store.ts, routes.ts); report.ts gives the metrics report its `quality` section.
 */
import type { HubLogger, HubModule } from '../api/module';
import type { Queryable } from '../db/db';
import { guardedScore } from './on-resolve';
import { registerQualityRoutes } from './routes';

export { qualityReport } from './report';

export function qualityModule(db: Queryable, logger: HubLogger): HubModule {
  return {
    name: 'quality',
    routes: (app) => registerQualityRoutes(app, db),
    // a score never blocks a resolve: a failure is logged and the conversation resolved without one
    mutations: { scoreResolve: guardedScore(logger) },
  };
}
