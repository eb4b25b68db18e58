/**
 * The sync endpoints (shared/contract/hub-api.ts): GET /v1/sync/bootstrap, GET /v1/sync/changes,
 * POST /v1/sync/hydrate, and the GET /v1/sync/stream WebSocket (stream.ts). Pages are assembled
 * as JSON text in SQL (scope.ts) and sent as they are.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HydrateRequestSchema } from '../../shared/contract/hub-api';
import { LIMITS } from '../../shared/domain';
import { HttpError, parseRequest } from '../api/errors';
import { agentOf } from '../api/module';
import type { ChangeLog } from './changelog';
import { bootstrapPage, changesPage, decodeCursor, hydrate } from './scope';
import { attachStream } from './stream';

const BootstrapQuerySchema = z.object({
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(500),
});
const ChangesQuerySchema = z.object({
  since: z.coerce.number().int().refine(Number.isSafeInteger, 'since is out of range'),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(1000),
});

const sendJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

export function registerSyncRoutes(app: FastifyInstance, log: ChangeLog): void {
  const db = log.db;
  app.get('/v1/sync/bootstrap', async (req, reply) => {
    const q = parseRequest(BootstrapQuerySchema, req.query, 'query');
    const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new HttpError(400, 'invalid', 'invalid cursor: pass back next_cursor as it was given');
    return sendJson(reply, await bootstrapPage(db, agentOf(req), cursor, q.limit));
  });

  app.get('/v1/sync/changes', async (req, reply) => {
    const q = parseRequest(ChangesQuerySchema, req.query, 'query');
    return sendJson(reply, (await changesPage(db, agentOf(req), q.since, q.limit)).json);
  });

  app.post('/v1/sync/hydrate', async (req, reply) => {
    const body = parseRequest(HydrateRequestSchema, req.body, 'hydrate request');
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
