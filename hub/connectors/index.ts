/**
 * What the hub wires in from the connectors, one call each:
 *   await app.register(registerWebhooks, { ingestor, config: cfg.webhooks })   webhook routes (X, Meta)
 *   createOutboundConnectors(cfg).forEach((c) => registry.register(c))         X, Facebook, Instagram posting
 *   const poller = startFeedPoller({ feeds: cfg.feeds, ingestor })             RSS/Atom; poller.stop() on shutdown
 *   await runImport(argv, { ingestor })                                        `hub import <file>`
 * where cfg = loadConnectorConfig(process.env).
 */
export { registerWebhooks, type WebhookConfig, type WebhookDeps, type DeliveryResult } from './webhooks';
export { loadConnectorConfig, createOutboundConnectors, ConfigError, type ConnectorConfig } from './config';
export { createXConnector, type XConnectorConfig } from './x/outbound';
export { createMetaConnector, createMetaConnectors, type MetaConnectorConfig } from './meta/outbound';
export { startFeedPoller, memoryFeedStateStore, fileFeedStateStore, type FeedConfig, type FeedPoller, type FeedStateStore, type PollResult } from './feeds/poller';
export { importFile, ImportError, type ImportReport } from './import/index';
export { runImport } from './import/cli';
export { isPostRejection } from './normalized';
