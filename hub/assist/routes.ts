/**
 * Assist on the hub, for conversations a desktop has not cached (rows of shared/contract/hub-routes.ts):
 *   assistSuggestions  GET /v1/assist/conversations/:id/suggestions -> the same ranking the desktop
 *                      runs on its cache, over the whole workspace's answered conversations
 *   assistSummary      GET /v1/assist/conversations/:id/summary -> the three-line handover summary
 * An agent may ask about a conversation of their scope (theirs, their teams' queue, or an earlier
 * conversation of one of those customers); supervisors and admins about any of the workspace.
 */
import type { FastifyInstance } from 'fastify';
import { signatureOf } from '../../shared/assist/adapt';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { Queryable } from '../db/db';
import { directScope, scopeParams, type AgentContext } from '../sync/scope';
import type { HubAssist } from './service';

async function requireVisible(db: Queryable, a: AgentContext, conversationId: string): Promise<void> {
  const [c] = await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1 AND workspace_id = $2', [conversationId, a.workspace_id]);
  if (!c) throw new HttpError(404, 'not_found', `conversation ${conversationId} not found`);
  if (a.role !== 'agent') return;
  const [inScope] = await db.query(`SELECT 1 FROM conversations d WHERE ${directScope('d')} AND d.customer_id = $4 LIMIT 1`, [...scopeParams(a), c.customer_id]);
  if (!inScope) throw new HttpError(403, 'forbidden', 'this conversation is not in your queues');
}

export function registerAssistRoutes(app: FastifyInstance, deps: { db: Queryable; assist: HubAssist }): void {
  const { db, assist } = deps;
  serve(app, HUB_ROUTES.assistSuggestions, async (req, { params }) => {
    const a = agentOf(req);
    await requireVisible(db, a, params.id);
    // the agent's canned responses: the team's and their own
    const canned = await db.query<{ id: string; shortcode: string; title: string; text: string }>(
      'SELECT id, shortcode, title, text FROM canned_responses WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2) ORDER BY shortcode, id', [a.workspace_id, a.id]);
    const s = await assist.suggest(a.workspace_id, params.id, {
      agentSignature: signatureOf(a.name), canned: canned.map((c) => ({ id: c.shortcode, shortcode: c.shortcode, title: c.title, body: c.text })),
    });
    return { ...s, computed_by: 'hub' as const };
  });
  serve(app, HUB_ROUTES.assistSummary, async (req, { params }) => {
    const a = agentOf(req);
    await requireVisible(db, a, params.id);
    const { summary, note } = await assist.summary(a.workspace_id, params.id);
    return { lines: summary.lines, note };
  });
}
