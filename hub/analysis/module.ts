/** analysis: every inbound post analyzed with its workspace's models (ingest hook); agents' corrections teach them (mutation hook). */
import type { HubModule } from '../api/module';
import type { Db } from '../db/db';
import { PgModelStore } from './pg-store';
import { AnalysisService } from './service';

export function analysisModule(db: Db, service?: AnalysisService): HubModule & { service: AnalysisService } {
  const s = service ?? new AnalysisService({ store: new PgModelStore(db) });
  return {
    name: 'analysis',
    service: s,
    ingest: { analyzerFor: (workspaceId) => s.hookFor(workspaceId) },
    mutations: { learnLabel: (workspaceId, correction) => s.learn(workspaceId, correction) },
  };
}
