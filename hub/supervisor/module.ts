/** supervisor: the live floor (floor.ts) and its endpoints and stream (routes.ts), with routing's live presence when routing runs. */
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import type { RoutingModule } from '../routing/module';
import type { ChangeLog } from '../sync/changelog';
import { registerSupervisorRoutes, type FloorAlerts } from './routes';

/** `alerts`: hub/spikes' alerts for the Floor, when it runs (handed in by modules.ts). */
export function supervisorModule(log: ChangeLog, routing: RoutingModule | null, logger: HubLogger, alerts: FloorAlerts | null = null): HubModule {
  let stop: (() => void) | null = null;
  return {
    name: 'supervisor',
    routes(app) {
      stop = registerSupervisorRoutes(app, {
        log, routing: routing?.service ?? null, forwardToRoutingLeader: routing?.forwardToLeader ?? null, alerts, onError: logErrors(logger, 'the floor failed'),
      });
    },
    stop: () => stop?.(),
  };
}
