/** accounts: agents, passwords, sessions (auth.ts), workspace administration (admin.ts), login and /v1/me (routes.ts). */
import type { HubModule } from '../api/module';
import type { Queryable } from '../db/db';
import { agentContextForToken } from './auth';
import { registerAccountRoutes } from './routes';

export function accountsModule(db: Queryable): HubModule & { authenticate(token: string): ReturnType<typeof agentContextForToken> } {
  return {
    name: 'accounts',
    routes: (app) => registerAccountRoutes(app, db),
    authenticate: (token) => agentContextForToken(db, token),
  };
}
