/**
 * admin: workspace administration in the app (issue 12): teams and departments (teams.ts), people
 * (people.ts), the caller's own account (a temporary password to replace, a sign-up link), as the
 * /v1/admin/* and /v1/account/* rows of shared/contract/admin.ts (routes.ts). What it needs from
 * other modules (live presence from routing, the audit log and sessions from accounts) comes in
 * as arguments (modules.ts).
 */
import type { HubModule } from '../api/module';
import type { ChangeLog } from '../sync/changelog';
import { registerAdminRoutes, type AdminRouteDeps } from './routes';

export type AdminModuleOptions = Omit<AdminRouteDeps, 'log'>;

export function adminModule(log: ChangeLog, options: AdminModuleOptions): HubModule {
  return {
    name: 'admin',
    routes: (app) => registerAdminRoutes(app, { log, ...options }),
  };
}
