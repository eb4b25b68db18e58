/** assist: suggested replies and handover summaries computed on the hub for conversations a desktop has not cached. */
import type { HubModule } from '../api/module';
import type { Db } from '../db/db';
import { registerAssistRoutes } from './routes';
import { HubAssist } from './service';

export function assistModule(db: Db): HubModule & { service: HubAssist } {
  // a busy workspace's index is rebuilt at most once a minute (20,000 conversations read), not on every reply
  const service = new HubAssist(db, { rebuildMs: 60_000 });
  return { name: 'assist', service, routes: (app) => registerAssistRoutes(app, { db, assist: service }) };
}
