/** supervisor: the live floor (floor.ts) and its endpoints and stream (routes.ts), with routing's live presence when routing runs. */
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import type { RoutingModule } from '../routing/module';
import type { ChangeLog } from '../sync/changelog';
import { registerSupervisorRoutes, type FloorAlerts, type FloorStaffingSource } from './routes';

/** `alerts`: hub/spikes' alerts for the Floor; `staffing`: hub/staffing's section of it; when they run (handed in by modules.ts). */
export function supervisorModule(log: ChangeLog, routing: RoutingModule | null, logger: HubLogger, alerts: FloorAlerts | null = null,
  staffing: FloorStaffingSource | null = null): HubModule {
  let stop: (() => void) | null = null;
  return {
    name: 'supervisor',
    routes(app) {
      stop = registerSupervisorRoutes(app, {
        log, routing: routing?.service ?? null, forwardToRoutingLeader: routing?.forwardToLeader ?? null, alerts, staffing, onError: logErrors(logger, 'the floor failed'),
      });
    },
    stop: () => stop?.(),
  };
}
