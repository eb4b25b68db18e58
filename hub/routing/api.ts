/**
 * registerRoutingRoutes(app, { routing }): the routing endpoints and push stream (see ./contract.ts).
 * Mount on the hub's Fastify app before it listens; authentication is the hub's own preValidation
 * hook (req.agent). Every refusal is a 4xx with the hub's ApiError body and changes nothing.
 *
 * Several hubs on one database (`leadership` given): on a hub that does not lead routing, every
 * endpoint and the stream are forwarded to the leader (proxy.ts); 503 `unavailable` when none answers.
 * POST /v1/routing/internal/check-reply is for followers only (reply-collision check before a
 * reply's write), authenticated by the leader's secret from routing_leader, not by a session.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { HttpError } from '../api/errors';
import type { AgentContext } from '../sync/scope';
import {
  ApplyRulesSchema, CheckReplySchema, ClaimRequestSchema, CloseInsightSchema, HeartbeatSchema, OfferAnswerSchema, PresenceRequestSchema,
  PreviewRulesSchema, StreamClientMessageSchema, type RoutingPush,
} from './contract';
import { RoutingError, type RoutingErrorCode } from './errors';
import type { RoutingService, WorkspaceRouting } from './service';
import type { RoutingLeadership } from './leader';
import { forwardHttp, forwardStream } from './proxy';

export interface RoutingRouteDeps { routing: RoutingService; leadership?: RoutingLeadership | null }

export const INTERNAL_CHECK_PATH = '/v1/routing/internal/check-reply';
export const SECRET_HEADER = 'x-tend-routing-secret';

const STATUS: Partial<Record<RoutingErrorCode, number>> = {
  invalid_config: 400, invalid_rule: 400, invalid_input: 400,
  unknown_agent: 404, unknown_conversation: 404, unknown_activity: 400, unknown_queue: 404, unknown_insight: 404,
  not_eligible: 403, agent_offline: 409, rules_changed: 409,
};

function toHttp(err: unknown): unknown {
  if (err instanceof RoutingError) return new HttpError(STATUS[err.code] ?? 409, err.code, err.message, err.details);
  return err;
}

const InternalCheckSchema = z.object({
  workspace_id: z.string().min(1).max(200), conversation_id: z.string().min(1).max(200), agent_id: z.string().min(1).max(200),
  seen_up_to: z.number().nullable(), confirm_token: z.string().max(2000).nullable().optional(),
}).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new HttpError(400, 'invalid', `invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

export function registerRoutingRoutes(app: FastifyInstance, deps: RoutingRouteDeps): void {
  const { routing, leadership } = deps;
  const findLeader = () => leadership!.leader();
  const follower = () => !!leadership && !routing.isLeader;
  const me = (req: FastifyRequest) => (req as unknown as { agent: AgentContext }).agent;
  const supervisorOnly = (a: AgentContext) => {
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'only supervisors and admins may do this');
  };
  /** Run a handler against the caller's workspace; RoutingErrors become 4xx. */
  const withWs = async <T>(req: FastifyRequest, reply: FastifyReply, fn: (ws: WorkspaceRouting, a: AgentContext) => T | Promise<T>): Promise<T | FastifyReply> => {
    if (follower()) return forwardHttp(findLeader, req, reply);
    const a = me(req);
    try {
      return await fn(await routing.workspace(a.workspace_id), a);
    } catch (err) {
      throw toHttp(err);
    }
  };

  app.get('/v1/routing/config', (req, reply) => withWs(req, reply, (ws) => ({ config: ws.engine.getConfig() })));

  // Saving rules or config never moves live work: new rules apply to new arrivals. Moving what waits
  // is asked for separately (preview, then apply). Each change of the rules is a stored version.
  app.put('/v1/routing/config', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const { rules_version } = await routing.setConfig(a.workspace_id, req.body, a.id);
    return { config: ws.engine.getConfig(), rules_version };
  }));

  app.put('/v1/routing/rules', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const body = req.body as { rules?: unknown } | null;
    if (!body || typeof body !== 'object' || !('rules' in body)) throw new HttpError(400, 'invalid', 'send { "rules": [...] }');
    const { rules_version } = await routing.setConfig(a.workspace_id, { ...ws.engine.getConfig(), rules: body.rules }, a.id);
    return { config: ws.engine.getConfig(), rules_version };
  }));

  app.get('/v1/routing/rules/versions', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const versions = await routing.ruleVersions(ws.id);
    return { current: versions[0]?.version ?? 0, versions };
  }));

  app.get<{ Params: { version: string } }>('/v1/routing/rules/versions/:version', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const n = Number(req.params.version);
    if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(400, 'invalid', 'a rule version is a whole number from 1');
    const v = await routing.ruleVersion(ws.id, n);
    if (!v) throw new HttpError(404, 'not_found', `no rule version ${n}`);
    return v;
  }));

  app.post('/v1/routing/rules/preview', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const body = parse(PreviewRulesSchema, req.body, 'preview request');
    return routing.previewRules(ws.id, body.rules);
  }));

  app.post('/v1/routing/rules/apply', (req, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const body = parse(ApplyRulesSchema, req.body, 'apply request');
    return routing.applyRules(ws.id, body.rules_version, body.conversation_ids);
  }));

  app.get('/v1/routing/presence', (req, reply) => withWs(req, reply, (ws, a) => ({
    activities: ws.engine.getConfig().activities,
    agents: (a.role === 'agent' ? [a.id] : ws.engine.agentIds()).filter((id) => ws.engine.hasAgent(id)).map((id) => ws.engine.agentView(id)),
  })));

  app.put('/v1/routing/presence', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(PresenceRequestSchema, req.body, 'presence request');
    const target = body.agent_id ?? a.id;
    if (target !== a.id) supervisorOnly(a);
    ws.engine.setPresence(target, body.activity_id);
    return { agent: ws.engine.agentView(target) };
  }));

  app.post<{ Params: { id: string } }>('/v1/routing/offers/:id/accept', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(OfferAnswerSchema, req.body, 'offer answer');
    ws.engine.accept(req.params.id, a.id, body.offer_id);
    return { conversation: ws.engine.conversationView(req.params.id) };
  }));

  app.post<{ Params: { id: string } }>('/v1/routing/offers/:id/reject', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(OfferAnswerSchema, req.body, 'offer answer');
    ws.engine.reject(req.params.id, a.id, body.offer_id);
    return { conversation: ws.engine.conversationView(req.params.id) };
  }));

  app.post('/v1/routing/pull', (req, reply) => withWs(req, reply, (ws, a) => ({ conversation_id: ws.engine.pull(a.id) })));

  app.get('/v1/routing/queues', (req, reply) => withWs(req, reply, (ws, a) => {
    supervisorOnly(a);
    const depths = ws.engine.queueDepths();
    return { depths, order: Object.fromEntries(Object.keys(depths).map((q) => [q, ws.engine.queueOrder(q, 50)])) };
  }));

  // each insight carries its conversation's subject, snippet and channel: a supervisor outside the
  // department does not have that conversation in their desktop's cache
  app.get<{ Querystring: { department_id?: string } }>('/v1/routing/insights', (req, reply) => withWs(req, reply, async (ws) => {
    // as stored (state and times survive restarts): every open insight, and those closed in the last 30 days
    const insights = await routing.listInsights(ws.id, typeof req.query.department_id === 'string' ? req.query.department_id : undefined);
    const ids = [...new Set(insights.map((i) => i.conversation_id))];
    const rows = ids.length ? await routing.log.db.query<{ id: string; subject: string; snippet: string; channel: string }>(
      'SELECT id, subject, snippet, channel FROM conversations WHERE workspace_id = $1 AND id = ANY($2)', [ws.id, ids]) : [];
    const byId = new Map(rows.map((r) => [r.id, { subject: r.subject, snippet: r.snippet, channel: r.channel }]));
    return { insights: insights.map((i) => ({ ...i, conversation: byId.get(i.conversation_id) })) };
  }));

  app.post<{ Params: { id: string } }>('/v1/routing/insights/:id/close', (req, reply) => withWs(req, reply, async (ws, a) => {
    const body = parse(CloseInsightSchema, req.body, 'close request');
    // stored before the answer: a hub killed right after still has it closed
    return { insight: await routing.closeInsight(ws.id, req.params.id, a.id, body.resolution) };
  }));

  app.post('/v1/routing/collision/heartbeat', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(HeartbeatSchema, req.body, 'heartbeat');
    ws.collision.heartbeat(body.conversation_id, a.id, body.activity);
    return { agents: ws.collision.presence(body.conversation_id) };
  }));

  app.post('/v1/routing/collision/claim', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(ClaimRequestSchema, req.body, 'claim');
    const r = ws.collision.claim(body.conversation_id, a.id);
    if (!r.ok) throw new HttpError(409, 'claim_held', `${r.held_by.agent_id} is composing a reply on this conversation`, { held_by: r.held_by });
    return { claim: r.claim };
  }));

  app.delete<{ Params: { id: string } }>('/v1/routing/collision/claim/:id', (req, reply) => withWs(req, reply, (ws, a) => {
    ws.collision.release(req.params.id, a.id);
    return {};
  }));

  app.post('/v1/routing/collision/check-reply', (req, reply) => withWs(req, reply, (ws, a) => {
    const body = parse(CheckReplySchema, req.body, 'reply check');
    const seen = body.seen_up_to === null ? null : typeof body.seen_up_to === 'number' ? body.seen_up_to : Date.parse(body.seen_up_to);
    return ws.collision.checkReply({ conversation_id: body.conversation_id, agent_id: a.id, seen_up_to: seen, confirm_token: body.confirm_token ?? null });
  }));

  app.post(INTERNAL_CHECK_PATH, { config: { public: true } }, async (req) => {
    const given = req.headers[SECRET_HEADER];
    const secret = leadership?.secret ?? '';
    if (!routing.isLeader || !secret) throw new HttpError(503, 'unavailable', 'this hub does not lead routing');
    if (typeof given !== 'string' || given.length !== secret.length || !timingSafeEqual(Buffer.from(given), Buffer.from(secret))) {
      throw new HttpError(401, 'unauthorized', 'internal routing call without the leader secret');
    }
    const body = parse(InternalCheckSchema, req.body, 'reply check');
    await routing.workspace(body.workspace_id).catch(() => {});
    return routing.checkReplyCollision(body);
  });

  app.get('/v1/routing/stream', { websocket: true }, (socket: WebSocket, req) => {
    if (follower()) { forwardStream(findLeader, socket, req); return; }
    const a = me(req);
    const send = (m: RoutingPush) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m)); };
    const unsubscribe = routing.subscribe({
      agentId: a.id, workspaceId: a.workspace_id, supervisor: a.role !== 'agent', send,
      // this hub stopped leading: the desktop reconnects and is forwarded to the new leader
      close: () => { if (socket.readyState === socket.OPEN) socket.close(1012, 'routing leader changed'); },
    });
    let ws: WorkspaceRouting | null = null;
    routing.workspace(a.workspace_id).then((w) => { ws = w; }, (err) => send({ type: 'error', code: 'unavailable', message: String(err?.message ?? err) }));
    socket.on('message', (raw) => {
      let msg: unknown;
      try { msg = JSON.parse(raw.toString()); } catch { send({ type: 'error', code: 'malformed_json', message: 'messages must be JSON' }); return; }
      const r = StreamClientMessageSchema.safeParse(msg);
      if (!r.success) { send({ type: 'error', code: 'invalid', message: 'expected {"type":"heartbeat","conversation_id","activity"} or {"type":"leave","conversation_id"}' }); return; }
      if (!ws) return;
      if (r.data.type === 'heartbeat') ws.collision.heartbeat(r.data.conversation_id, a.id, r.data.activity);
      else ws.collision.leave(r.data.conversation_id, a.id);
    });
    socket.on('close', () => {
      unsubscribe();
    });
  });
}
