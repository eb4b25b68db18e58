/**
 * spikes: live spike alerts (issue 15). Every customer's post the hub stores feeds its workspace's
 * detector (ingest `stored` hook); alerts are kept in spike_alerts and served to supervisors and
 * admins (HUB_ROUTES.spikeAlerts, acknowledgeSpikeAlert); the Floor shows them (hub/supervisor gets
 * `alerts` and `events` from modules.ts).
 */
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf, logErrors, type HubLogger, type HubModule } from '../api/module';
import { serve } from '../api/route';
import type { Db } from '../db/db';
import { SpikeService, type SpikeServiceOptions } from './service';

export type SpikesModule = HubModule & { service: SpikeService };

export function spikesModule(db: Db, logger: HubLogger, options: SpikeServiceOptions = {}): SpikesModule {
  const service = new SpikeService(db, { onError: logErrors(logger, 'spike detection failed'), ...options });
  const supervisorOf = (req: Parameters<typeof agentOf>[0]) => {
    const a = agentOf(req);
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'spike alerts are for supervisors and admins');
    return a;
  };
  return {
    name: 'spikes',
    service,
    ingest: { stored: (workspaceId, posts) => service.stored(workspaceId, posts) },
    routes(app) {
      serve(app, HUB_ROUTES.spikeAlerts, async (req, { query }) => ({ alerts: await service.list(supervisorOf(req).workspace_id, query) }));
      serve(app, HUB_ROUTES.acknowledgeSpikeAlert, async (req, { params }) => {
        const a = supervisorOf(req);
        const alert = await service.acknowledge(a.workspace_id, params.id, a);
        if (!alert) throw new HttpError(404, 'not_found', `spike alert ${params.id} not found`);
        return { alert };
      }, { audit: { action: 'spikes.alert_acknowledged', target_type: 'spike_alert' } });
    },
    start: () => service.start(),
    stop: () => service.stop(),
  };
}
