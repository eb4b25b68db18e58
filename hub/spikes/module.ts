/**
 * spikes: live spike alerts (issue 15). Every customer's post the hub stores feeds its workspace's
 * detector (ingest `stored` hook); alerts are kept in spike_alerts and served to supervisors and
 * admins (HUB_ROUTES.spikeAlerts, acknowledgeSpikeAlert); the Floor shows them (hub/supervisor gets
 * `alerts` and `events` from modules.ts). Crisis mode per topic (crisis.ts; crisisList, startCrisis, endCrisis).
 */
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf, logErrors, type HubLogger, type HubModule } from '../api/module';
import { serve } from '../api/route';
import type { Db } from '../db/db';
import { CrisisService, type CrisisApprovals, type CrisisRouting } from './crisis';
import { SpikeService, type SpikeServiceOptions } from './service';

export type SpikesModule = HubModule & { service: SpikeService; crisis: CrisisService };

/** `routing`: crisis mode's routing rule and pushes to every desk, when routing runs on this hub (modules.ts). */
export function spikesModule(db: Db, logger: HubLogger, options: SpikeServiceOptions = {}, routing: () => CrisisRouting | null = () => null,
  approvals: CrisisApprovals | null = null): SpikesModule {
  const service = new SpikeService(db, { onError: logErrors(logger, 'spike detection failed'), ...options });
  const crisis = new CrisisService(db, routing, approvals);
  const supervisorOf = (req: Parameters<typeof agentOf>[0]) => {
    const a = agentOf(req);
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'spike alerts are for supervisors and admins');
    return a;
  };
  return {
    name: 'spikes',
    service,
    crisis,
    ingest: { stored: (workspaceId, posts) => service.stored(workspaceId, posts) },
    routes(app) {
      serve(app, HUB_ROUTES.spikeAlerts, async (req, { query }) => ({ alerts: await service.list(supervisorOf(req).workspace_id, query) }));
      serve(app, HUB_ROUTES.acknowledgeSpikeAlert, async (req, { params }) => {
        const a = supervisorOf(req);
        const alert = await service.acknowledge(a.workspace_id, params.id, a);
        if (!alert) throw new HttpError(404, 'not_found', `spike alert ${params.id} not found`);
        return { alert };
      }, { audit: { action: 'spikes.alert_acknowledged', target_type: 'spike_alert' } });
      // every agent reads the crises (banner, holding statement); supervisors and admins turn them on and off, in the audit log too
      serve(app, HUB_ROUTES.crisisList, async (req) => crisis.list(agentOf(req).workspace_id));
      serve(app, HUB_ROUTES.startCrisis, async (req, { body }) => {
        const a = supervisorOf(req);
        return { crisis: await crisis.start(a.workspace_id, a, body) };
      }, { audit: { action: 'crisis.started', target_type: 'crisis', body: true } });
      serve(app, HUB_ROUTES.endCrisis, async (req, { params }) => {
        const a = supervisorOf(req);
        return { crisis: await crisis.end(a.workspace_id, params.id, a) };
      }, { audit: { action: 'crisis.ended', target_type: 'crisis' } });
    },
    start: () => service.start(),
    stop: () => service.stop(),
  };
}
