/**
 * sync: the change log every synced write goes through (changelog.ts), the agent's scope and its
 * pages (scope.ts, rows.ts), and the endpoints desktops sync with (routes.ts, stream.ts).
 */
import type { HubModule } from '../api/module';
import type { ChangeLog } from './changelog';
import { registerSyncRoutes } from './routes';

export function syncModule(log: ChangeLog): HubModule {
  return { name: 'sync', routes: (app) => registerSyncRoutes(app, log) };
}
