/**
 * connectors: what the hub hears and says on the channels: platform webhooks (X, Meta; signature-
 * checked, public routes), outbound connectors added to the outbound registry, and the RSS/Atom
 * feed poller. Configured from TEND_* variables (config.ts) unless a config is handed in.
 */
import { join } from 'node:path';
import type { HubLogger, HubModule } from '../api/module';
import type { Queryable } from '../db/db';
import { seedBrandAccounts } from './brands';
import { createOutboundConnectors, type ConnectorConfig } from './config';
import { fileFeedStateStore, memoryFeedStateStore, startFeedPoller, type FeedPoller } from './feeds/poller';
import type { Ingestor, OutboundConnector } from './types';
import { registerWebhooks } from './webhooks';

export interface ConnectorsModuleOptions {
  config: ConnectorConfig;
  /** workspace that webhooks and feeds ingest into; default: the first workspace */
  workspace: string | null;
  /** an Ingestor for a workspace, with the hub's hooks */
  ingestor(workspaceId: string): Ingestor;
  /** where the outbound connectors go (the outbound registry) */
  register(connector: OutboundConnector): void;
  /** feed state (ETags, seen items) is kept under <dataDir>/feeds; in memory without one */
  dataDir?: string;
  /** the connectors' log: webhook refusals and rejected posts, one line each */
  logger: HubLogger;
}

export function connectorsModule(db: Queryable, options: ConnectorsModuleOptions): HubModule {
  const { config } = options;
  let workspace = options.workspace;
  const ingestors = new Map<string, Ingestor>();
  // the workspace is looked up on the first post, so a hub may start before any workspace exists
  const target = async (): Promise<Ingestor> => {
    if (!workspace) {
      const [first] = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1');
      if (!first) throw new Error('no workspace to ingest into: create one or set TEND_WORKSPACE');
      workspace = first.id;
    }
    let ing = ingestors.get(workspace);
    if (!ing) {
      // the configured brand accounts, so the Ingestor knows the brand's posts (it learns more from them)
      if (config.brands?.length) await seedBrandAccounts(db, workspace, config.brands);
      ing = options.ingestor(workspace);
      ingestors.set(workspace, ing);
    }
    return ing;
  };
  const ingestor: Ingestor = {
    ingest: async (post) => (await target()).ingest(post),
    // a webhook delivery in batches, one transaction each (the intake's)
    async ingestMany(posts) {
      const ing = await target();
      if (ing.ingestMany) return ing.ingestMany(posts);
      const out: Array<Awaited<ReturnType<Ingestor['ingest']>> | Error> = [];
      for (const p of posts) out.push(await ing.ingest(p).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
      return out;
    },
  };
  for (const c of createOutboundConnectors(config)) options.register(c);
  let poller: FeedPoller | null = null;
  return {
    name: 'connectors',
    routes: async (app) => { await app.register(registerWebhooks, { ingestor, config: config.webhooks, log: (line) => options.logger.warn(line) }); },
    start() {
      if (!config.feeds.length) return;
      poller = startFeedPoller({
        feeds: config.feeds, ingestor, log: (line) => options.logger.warn(line),
        stateStore: options.dataDir ? fileFeedStateStore(join(options.dataDir, 'feeds')) : memoryFeedStateStore(),
      });
    },
    stop: () => poller?.stop(),
  };
}
