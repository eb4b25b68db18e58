/**
 * sync: the change log every synced write goes through (changelog.ts), the agent's scope and its
 * pages (scope.ts, rows.ts), the endpoints desktops sync with (routes.ts, stream.ts), and the log's
 * retention (retention.ts).
 */
import type { HubModule } from '../api/module';
import type { ChangeLog } from './changelog';
import { retentionDaysFromEnv, startChangeLogRetention, type RetentionOptions } from './retention';
import { registerSyncRoutes } from './routes';

export interface SyncModuleOptions {
  /** change-log retention: false keeps every change; default TEND_CHANGE_LOG_RETENTION_DAYS or 14 days */
  retention?: false | Partial<Omit<RetentionOptions, 'onError'>>;
  onError?: (e: unknown) => void;
}

export function syncModule(log: ChangeLog, options: SyncModuleOptions = {}): HubModule {
  // read at build time: a bad value stops the hub at start with its reason
  const retention = options.retention === false ? null
    : { ...options.retention, retentionMs: options.retention?.retentionMs ?? retentionDaysFromEnv() * 86_400_000 };
  let stop: (() => Promise<void>) | null = null;
  return {
    name: 'sync',
    routes: (app) => registerSyncRoutes(app, log),
    start() {
      if (retention) stop = startChangeLogRetention(log, { ...retention, onError: options.onError ?? (() => {}) });
    },
    async stop() {
      await stop?.();
    },
  };
}
