/**
 * conversations: the write path. Inbound posts are stored and threaded (ingest.ts), agents'
 * outbox batches applied (mutations.ts, HUB_ROUTES.mutations), snoozed conversations woken
 * (snooze.ts). Other modules join in through the hooks of api/module.ts, handed in composed.
 */
import type { FastifyInstance } from 'fastify';
import type { Mutation } from '../../shared/contract/hub-api';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { agentOf, logErrors, type HubLogger, type HubModule, type IngestHooks, type MutationHooks as ModuleMutationHooks } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog } from '../sync/changelog';
import { HubIngestor } from './ingest';
import { applyMutations, type MutationHooks } from './mutations';
import { startSnoozeWaker } from './snooze';

export interface ConversationsOptions {
  ingest: IngestHooks;
  mutations: ModuleMutationHooks;
  logger: HubLogger;
  /** how often snoozed conversations are checked for waking (ms, default 15 000; 0 = never) */
  snoozeCheckMs?: number;
}

export interface ConversationsModule extends HubModule {
  /** an Ingestor for a workspace, with the hub's hooks */
  ingestor(workspaceId: string): HubIngestor;
}

export function conversationsModule(log: ChangeLog, options: ConversationsOptions): ConversationsModule {
  const { ingest } = options;
  const mutations: MutationHooks = { ...options.mutations, onError: logErrors(options.logger, 'an effect after a mutation failed') };
  let stopSnooze: (() => Promise<void>) | null = null;
  return {
    name: 'conversations',
    routes(app: FastifyInstance) {
      serve(app, HUB_ROUTES.mutations, async (req, { body }) => {
        const results = await applyMutations(log, agentOf(req), body.mutations as Mutation[], mutations);
        return { results };
      });
    },
    ingestor: (workspaceId) => new HubIngestor(log, {
      workspaceId, analyzePost: ingest.analyzerFor?.(workspaceId), route: ingest.route, routeReady: ingest.routeReady, answers: ingest.answers, stored: ingest.stored,
    }),
    start() {
      if (options.snoozeCheckMs !== 0) stopSnooze = startSnoozeWaker(log, options.snoozeCheckMs ?? 15_000, logErrors(options.logger, 'waking snoozed conversations failed'));
    },
    stop: () => stopSnooze?.(),
  };
}
