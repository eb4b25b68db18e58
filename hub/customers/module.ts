/**
 * customers: merging two profiles of one person, with undo (merge.ts), and suggestions of
 * profiles that may be one person (suggestions.ts). Routes: the customers rows of
 * shared/contract/hub-routes.ts; any agent of the workspace may use them (a merge is undone as
 * easily as it is made). Editing a customer's tags and notes is the `update_customer` mutation
 * (hub/conversations).
 */
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf, type HubModule } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog } from '../sync/changelog';
import { listMerges, mergeCustomers, undoMerge } from './merge';
import { mergeSuggestions } from './suggestions';

export function customersModule(log: ChangeLog): HubModule {
  return {
    name: 'customers',
    routes(app) {
      serve(app, HUB_ROUTES.customerRelated, async (req, { params }) => {
        const a = agentOf(req);
        const [found] = await log.db.query('SELECT 1 FROM customers WHERE workspace_id = $1 AND id = $2', [a.workspace_id, params.id]);
        if (!found) throw new HttpError(404, 'not_found', `customer ${params.id} not found`);
        const [suggestions, merges] = await Promise.all([
          mergeSuggestions(log.db, a.workspace_id, params.id),
          listMerges(log.db, a.workspace_id, { intoId: params.id }),
        ]);
        return { suggestions, merges };
      });
      serve(app, HUB_ROUTES.mergeCustomers, async (req, { body }) => ({ merge: await mergeCustomers(log, agentOf(req), body.into_id, body.from_id) }));
      serve(app, HUB_ROUTES.undoMerge, async (req, { params }) => ({ merge: await undoMerge(log, agentOf(req), params.id) }));
    },
  };
}
