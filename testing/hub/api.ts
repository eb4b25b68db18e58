/** The hub's server with its core endpoints (login, sync, mutations) and no other module: tests mount one module's routes on it. */
import type { FastifyInstance } from 'fastify';
import { accountsModule } from '../../hub/accounts/module';
import { buildServer } from '../../hub/api/server';
import { conversationsModule } from '../../hub/conversations/module';
import type { ChangeLog } from '../../hub/sync/changelog';
import { syncModule } from '../../hub/sync/module';

export async function buildCoreApi(log: ChangeLog): Promise<FastifyInstance> {
  const accounts = accountsModule(log);
  const app = await buildServer({ auth: accounts.auth });
  for (const m of [accounts, syncModule(log), conversationsModule(log, { ingest: {}, mutations: {}, logger: app.log })]) await m.routes?.(app);
  return app;
}
