/**
 * connectors: what the hub hears and says on the channels: platform webhooks (X, Meta; signature-
 * checked, public routes), outbound connectors added to the outbound registry, and the RSS/Atom
 * feed poller. Configured from TEND_* variables (config.ts) unless a config is handed in, plus the
 * channels an admin connects in the app (channels.ts), applied without a restart: the webhooks read
 * the current configuration per delivery, the outbound connectors are registered again and the
 * feed poller restarts with the new list.
 */
import { join } from 'node:path';
import type { HubLogger, HubModule } from '../api/module';
import type { Queryable } from '../db/db';
import { seedBrandAccounts } from './brands';
import { createOutboundConnectors, type ConnectorConfig } from './config';
import { fileFeedStateStore, memoryFeedStateStore, startFeedPoller, type FeedPoller } from './feeds/poller';
import type { Channel } from '../../shared/domain';
import { ChannelSettings } from './channels';
import type { Ingestor, OutboundConnector } from './types';
import { IngestIntake } from './intake';
import { createWebhookStats, registerWebhooks, type WebhookStats } from './webhooks';

export interface ConnectorsModuleOptions {
  config: ConnectorConfig;
  /** workspace that webhooks and feeds ingest into; default: the first workspace */
  workspace: string | null;
  /** an Ingestor for a workspace, with the hub's hooks */
  ingestor(workspaceId: string): Ingestor;
  /** where the outbound connectors go (the outbound registry) */
  register(connector: OutboundConnector): void;
  /** takes a channel's outbound connector out of the registry (a channel disconnected in the app) */
  unregister?(channel: Channel): void;
  /** the demo hub: the channel screen's test posts through the platform stand-in */
  demo?: boolean;
  /** feed state (ETags, seen items) is kept under <dataDir>/feeds; in memory without one */
  dataDir?: string;
  /** the connectors' log: webhook refusals and rejected posts, one line each */
  logger: HubLogger;
}

export interface ConnectorsModule extends HubModule {
  channels: ChannelSettings;
  /** webhook deliveries counted so far, and posts waiting to be stored (the hub's metrics, hub/ops) */
  webhooks(): WebhookStats & { inFlight: number };
}

export function connectorsModule(db: Queryable, options: ConnectorsModuleOptions): ConnectorsModule {
  const stats = createWebhookStats();
  let intake: IngestIntake | null = null;
  let workspace = options.workspace;
  const ingestors = new Map<string, Ingestor>();
  const log = (line: string) => options.logger.warn(line);
  const firstWorkspace = async (): Promise<string | null> => {
    if (!workspace) {
      const [first] = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1');
      workspace = first?.id ?? null;
    }
    return workspace;
  };
  // the brand accounts seeded per workspace, so the Ingestor knows the brand's posts (it learns more from them)
  let seeded = new Set<string>();
  // the workspace is looked up on the first post, so a hub may start before any workspace exists
  const target = async (): Promise<Ingestor> => {
    const ws = await firstWorkspace();
    if (!ws) throw new Error('no workspace to ingest into: create one or set TEND_WORKSPACE');
    if (!seeded.has(ws)) {
      const brands = channels.current().brands;
      if (brands?.length) await seedBrandAccounts(db, ws, brands);
      seeded.add(ws);
    }
    let ing = ingestors.get(ws);
    if (!ing) {
      ing = options.ingestor(ws);
      ingestors.set(ws, ing);
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
  let poller: FeedPoller | null = null;
  let polledFeeds = '';
  let running = false;
  const startPoller = (config: ConnectorConfig) => {
    if (!config.feeds.length) return null;
    return startFeedPoller({
      feeds: config.feeds, ingestor, log, onPoll: (r) => channels.health.poll(r),
      stateStore: options.dataDir ? fileFeedStateStore(join(options.dataDir, 'feeds')) : memoryFeedStateStore(),
    });
  };
  // the outbound connectors this module registered, so a disconnected channel's is taken out
  let registered = new Set<Channel | '*'>();
  const registerAll = (config: ConnectorConfig) => {
    const next = new Set<Channel | '*'>();
    for (const c of createOutboundConnectors(config)) { options.register(c); next.add(c.channel); }
    for (const ch of registered) if (!next.has(ch) && ch !== '*') options.unregister?.(ch);
    registered = next;
  };
  let applying = Promise.resolve();
  const channels: ChannelSettings = new ChannelSettings({
    db, env: options.config, workspace: firstWorkspace, dataDir: options.dataDir, demo: !!options.demo, warn: log,
    apply: (config) => {
      // one change at a time: a poller stops before the next one starts
      const run = applying.then(async () => {
        registerAll(config);
        seeded = new Set();
        if (!running) return;
        // the poller restarts only when the feeds changed: a change to an X account does not poll every feed again
        const feeds = JSON.stringify(config.feeds);
        if (poller && feeds === polledFeeds) return;
        await poller?.stop();
        poller = startPoller(config);
        polledFeeds = feeds;
      });
      applying = run.catch(() => {});
      return run;
    },
    pollNow: async (feedId) => {
      if (!poller) throw new Error(`feed ${feedId} is not polled`);
      return poller.pollNow(feedId);
    },
  });
  registerAll(options.config);
  return {
    name: 'connectors',
    channels,
    webhooks: () => ({ ...stats, inFlight: intake?.inFlight ?? 0 }),
    routes: async (app) => {
      channels.attach(app);
      intake = new IngestIntake(ingestor, channels.current().webhooks.intake);
      await app.register(registerWebhooks, {
        ingestor, config: () => channels.current().webhooks, log, stats, intake,
        onDelivery: ({ source, stored }) => channels.health.delivered(source, stored),
        onRefusal: ({ source, key, message }) => channels.health.failed(source, key, message),
      });
    },
    async start() {
      running = true;
      // the environment's channels and those connected in the app (a bad stored one is reported on its screen, never stops the hub)
      await channels.reload().catch((err: unknown) => {
        options.logger.error({ err }, 'loading the channels connected in the app failed');
        poller ??= startPoller(options.config);
      });
    },
    async stop() {
      running = false;
      await applying;
      await poller?.stop();
    },
  };
}
