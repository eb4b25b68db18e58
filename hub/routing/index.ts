/**
 * Routing as a hub module. Spread into startHub's options:
 *
 *   const routing = routingModule();
 *   const hub = await startHub({ ...options, migrations: [...routing.migrations], route: routing.route, extend: routing.extend });
 *
 * (With other modules' extend hooks, call `await routing.extend(ctx)` inside the combined hook and
 * keep the cleanup it returns.) `routing.service` is the RoutingService once the hub has started.
 *
 * The module routes alone: it takes no part in the leader election of several hubs on one
 * PostgreSQL schema. For that, use `startHub({ databaseUrl, routing: true })` (see README.md).
 */
import type { Migration } from '../db/migrate';
import * as m0500 from '../db/migrations/0500-routing';
import * as m0520 from '../db/migrations/0520-sla-pause';
import * as m0530 from '../db/migrations/0530-routing-leader';
import type { HubContext } from '../hub';
import type { RoutePost } from '../conversations/ingest';
import { registerRoutingRoutes } from './api';
import { RoutingService, type RoutingServiceOptions } from './service';

export { registerRoutingRoutes } from './api';
export { RoutingService } from './service';
export { RoutingLeadership } from './leader';
export { RoutingEngine } from './engine';
export { CollisionTracker } from './collision';
export { BusinessCalendar } from './calendar';
export { RoutingError } from './errors';

export const ROUTING_MIGRATIONS: Migration[] = [{ version: 500, name: 'routing', up: m0500.up }, { version: 520, name: 'sla-pause', up: m0520.up },
  { version: 530, name: 'routing-leader', up: m0530.up }];

export interface RoutingModule {
  migrations: Migration[];
  route: RoutePost;
  extend(ctx: HubContext): () => Promise<void>;
  readonly service: RoutingService | null;
}

export function routingModule(options: RoutingServiceOptions = {}): RoutingModule {
  let service: RoutingService | null = null;
  return {
    migrations: ROUTING_MIGRATIONS,
    // before the hub has started (nothing ingests then) the default team is used
    route: (input) => (service ? service.routePost(input) : { team_id: input.default_team_id }),
    extend(ctx) {
      const s = new RoutingService(ctx.log, options);
      service = s;
      s.start();
      registerRoutingRoutes(ctx.app, { routing: s });
      return () => s.stop();
    },
    get service() { return service; },
  };
}
