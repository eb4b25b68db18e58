/**
 * The sync endpoints (shared/contract/hub-routes.ts): bootstrap, changes, hydrate, and the sync
 * stream WebSocket (stream.ts). Pages are assembled
 * as JSON text in SQL (scope.ts) and sent as they are.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog } from './changelog';
import { bootstrapPage, changesPage, decodeCursor, hydrate } from './scope';
import { attachStream } from './stream';

const sendJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

export function registerSyncRoutes(app: FastifyInstance, log: ChangeLog): void {
  const db = log.db;
  serve(app, HUB_ROUTES.bootstrap, async (req, { query: q }, reply) => {
    const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new HttpError(400, 'invalid', 'invalid cursor: pass back next_cursor as it was given');
    return sendJson(reply, await bootstrapPage(db, agentOf(req), cursor, q.limit));
  });

  serve(app, HUB_ROUTES.changes, async (req, { query: q }, reply) => {
    return sendJson(reply, (await changesPage(db, agentOf(req), q.since, q.limit)).json);
  });

  serve(app, HUB_ROUTES.hydrate, async (req, { body }, reply) => {
    const r = await hydrate(db, agentOf(req), body.customer_ids);
    if (!r.ok) {
      throw r.code === 'not_found'
        ? new HttpError(404, 'not_found', `unknown customers: ${r.ids.join(', ')}`, { customer_ids: r.ids })
        : new HttpError(403, 'forbidden', `customers outside your scope: ${r.ids.join(', ')}`, { customer_ids: r.ids });
    }
    return sendJson(reply, r.json);
  });

  attachStream(app, log);
}
