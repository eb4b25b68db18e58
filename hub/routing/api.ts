/**
 * registerRoutingRoutes(app, { routing }): the routing endpoints and push stream (the /v1/routing
 * rows of shared/contract/hub-routes.ts, with the schemas of shared/contract/routing.ts).
 * Mount on the hub's Fastify app before it listens; authentication is the hub's own preValidation
 * hook (req.agent). Every refusal is a 4xx with the hub's ApiError body and changes nothing.
 *
 * Several hubs on one database (`leadership` given): on a hub that does not lead routing, every
 * endpoint and the stream are forwarded to the leader (proxy.ts); 503 `unavailable` when none answers.
 * HUB_ROUTES.internalCheckReply is for followers only (reply-collision check before a
 * reply's write), authenticated by the leader's secret from routing_leader, not by a session.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HUB_ROUTES, HUB_STREAMS } from '../../shared/contract/hub-routes';
import { StreamClientMessageSchema, type RoutingPush } from '../../shared/contract/routing';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve, serveStream } from '../api/route';
import type { Queryable } from '../db/db';
import type { AgentContext } from '../sync/scope';
import { RoutingError, type RoutingErrorCode } from './errors';
import type { RoutingService, WorkspaceRouting } from './service';
import type { RoutingLeadership } from './leader';
import { forwardHttp, forwardStream } from './proxy';

export interface RoutingRouteDeps {
  routing: RoutingService;
  leadership?: RoutingLeadership | null;
  /** a fresh stream ticket for a session: a follower forwards a desktop's stream to the leader with one (hub/accounts) */
  streamTicket?(sessionId: string): Promise<string>;
}

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

/**
 * May this agent reply to the conversation (so claim it, or show as viewing or typing on it)? Its
 * assignee; while unassigned, its team's members; supervisors and admins of its workspace. The
 * agent's teams are read now (they may have changed since the stream opened). Null: no such conversation.
 */
export async function mayReply(db: Queryable, a: AgentContext, conversationId: string): Promise<boolean | null> {
  const [c] = await db.query<{ assignee_id: string | null; in_team: boolean }>(
    `SELECT c.assignee_id, EXISTS (SELECT 1 FROM agent_teams t WHERE t.agent_id = $3 AND t.team_id = c.team_id) AS in_team
     FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2`, [conversationId, a.workspace_id, a.id]);
  if (!c) return null;
  if (a.role !== 'agent') return true;
  return c.assignee_id === a.id || (c.assignee_id === null && c.in_team);
}

const NOT_YOURS = 'you may not reply to this conversation (it is assigned to someone else, or outside your teams), so you cannot claim it or show as viewing or typing on it';

export function registerRoutingRoutes(app: FastifyInstance, deps: RoutingRouteDeps): void {
  const { routing, leadership } = deps;
  const db = routing.log.db;
  const mustMayReply = async (a: AgentContext, conversationId: string) => {
    const may = await mayReply(db, a, conversationId);
    if (may === null) throw new HttpError(404, 'not_found', `conversation ${conversationId} not found`);
    if (!may) throw new HttpError(403, 'forbidden', NOT_YOURS);
  };
  /** routing streams open per agent on this hub: when the last one closes, their viewing, typing and claims end */
  const openStreams = new Map<string, number>();
  const findLeader = () => leadership!.leader();
  const follower = () => !!leadership && !routing.isLeader;
  const supervisorOnly = (a: AgentContext) => {
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'only supervisors and admins may do this');
  };
  /** Run a handler against the caller's workspace; RoutingErrors become 4xx. */
  const withWs = async <T>(req: FastifyRequest, reply: FastifyReply, fn: (ws: WorkspaceRouting, a: AgentContext) => T | Promise<T>): Promise<T | FastifyReply> => {
    if (follower()) return forwardHttp(findLeader, req, reply);
    const a = agentOf(req);
    try {
      return await fn(await routing.workspace(a.workspace_id), a);
    } catch (err) {
      throw toHttp(err);
    }
  };

  serve(app, HUB_ROUTES.routingConfig, (req, _input, reply) => withWs(req, reply, (ws) => ({ config: ws.engine.getConfig() })));

  // Saving rules or config never moves live work: new rules apply to new arrivals. Moving what waits
  // is asked for separately (preview, then apply). Each change of the rules is a stored version.
  serve(app, HUB_ROUTES.setRoutingConfig, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const { rules_version } = await routing.setConfig(a.workspace_id, body, a.id);
    return { config: ws.engine.getConfig(), rules_version };
  }), { audit: { action: 'routing.config_changed', body: true } });

  serve(app, HUB_ROUTES.setRoutingRules, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const { rules_version } = await routing.setConfig(a.workspace_id, { ...ws.engine.getConfig(), rules: body.rules }, a.id);
    return { config: ws.engine.getConfig(), rules_version };
  }), { audit: { action: 'routing.rules_changed', body: true } });

  serve(app, HUB_ROUTES.ruleVersions, (req, _input, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const versions = await routing.ruleVersions(ws.id);
    return { current: versions[0]?.version ?? 0, versions };
  }));

  serve(app, HUB_ROUTES.ruleVersion, (req, { params }, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    const n = Number(params.version);
    if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(400, 'invalid', 'a rule version is a whole number from 1');
    const v = await routing.ruleVersion(ws.id, n);
    if (!v) throw new HttpError(404, 'not_found', `no rule version ${n}`);
    return v;
  }));

  serve(app, HUB_ROUTES.previewRules, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    return routing.previewRules(ws.id, body.rules);
  }));

  serve(app, HUB_ROUTES.applyRules, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    supervisorOnly(a);
    return routing.applyRules(ws.id, body.rules_version, body.conversation_ids);
  }), { audit: { action: 'routing.rules_applied', body: true } });

  // the rules editor's try-it box: where a pasted post would go under the saved rules or a proposal, and why
  serve(app, ADMIN_ROUTES.tryRules, (req, { body }, reply) => withWs(req, reply, async (_ws, a) => {
    supervisorOnly(a);
    const { rules, ...post } = body;
    return routing.tryRoute(a.workspace_id, post, rules);
  }));

  // when a post arriving now would be due, under the saved policies and calendars (the SLA screen's preview)
  serve(app, ADMIN_ROUTES.slaPreview, (req, { body }, reply) => withWs(req, reply, (ws, a) => {
    supervisorOnly(a);
    return ws.engine.slaPreview(body.priority, body.channel);
  }));

  serve(app, HUB_ROUTES.presence, (req, _input, reply) => withWs(req, reply, (ws, a) => ({
    activities: ws.engine.getConfig().activities,
    agents: (a.role === 'agent' ? [a.id] : ws.engine.agentIds()).filter((id) => ws.engine.hasAgent(id)).map((id) => ws.engine.agentView(id)),
  })));

  serve(app, HUB_ROUTES.setPresence, (req, { body }, reply) => withWs(req, reply, (ws, a) => {
    const target = body.agent_id ?? a.id;
    if (target !== a.id) supervisorOnly(a);
    ws.engine.setPresence(target, body.activity_id);
    return { agent: ws.engine.agentView(target) };
  }));

  serve(app, HUB_ROUTES.acceptOffer, (req, { params, body }, reply) => withWs(req, reply, (ws, a) => {
    ws.engine.accept(params.id, a.id, body.offer_id);
    return { conversation: ws.engine.conversationView(params.id) };
  }));

  serve(app, HUB_ROUTES.rejectOffer, (req, { params, body }, reply) => withWs(req, reply, (ws, a) => {
    ws.engine.reject(params.id, a.id, body.offer_id);
    return { conversation: ws.engine.conversationView(params.id) };
  }));

  serve(app, HUB_ROUTES.pull, (req, _input, reply) => withWs(req, reply, (ws, a) => ({ conversation_id: ws.engine.pull(a.id) })));

  serve(app, HUB_ROUTES.queues, (req, _input, reply) => withWs(req, reply, (ws, a) => {
    supervisorOnly(a);
    const depths = ws.engine.queueDepths();
    return { depths, order: Object.fromEntries(Object.keys(depths).map((q) => [q, ws.engine.queueOrder(q, 50)])) };
  }));

  // each insight carries its conversation's subject, snippet and channel: a supervisor outside the
  // department does not have that conversation in their desktop's cache
  serve(app, HUB_ROUTES.insights, (req, { query }, reply) => withWs(req, reply, async (ws) => {
    // as stored (state and times survive restarts): every open insight, and those closed in the last 30 days
    const insights = await routing.listInsights(ws.id, query.department_id);
    const ids = [...new Set(insights.map((i) => i.conversation_id))];
    const rows = ids.length ? await routing.log.db.query<{ id: string; subject: string; snippet: string; channel: string }>(
      'SELECT id, subject, snippet, channel FROM conversations WHERE workspace_id = $1 AND id = ANY($2)', [ws.id, ids]) : [];
    const byId = new Map(rows.map((r) => [r.id, { subject: r.subject, snippet: r.snippet, channel: r.channel }]));
    return { insights: insights.map((i) => ({ ...i, conversation: byId.get(i.conversation_id) })) };
  }));

  serve(app, HUB_ROUTES.closeInsight, (req, { params, body }, reply) => withWs(req, reply, async (ws, a) => {
    // stored before the answer: a hub killed right after still has it closed
    return { insight: await routing.closeInsight(ws.id, params.id, a.id, body.resolution) };
  }));

  serve(app, HUB_ROUTES.heartbeat, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    await mustMayReply(a, body.conversation_id);
    ws.collision.heartbeat(body.conversation_id, a.id, body.activity);
    return { agents: ws.collision.presence(body.conversation_id) };
  }));

  serve(app, HUB_ROUTES.claim, (req, { body }, reply) => withWs(req, reply, async (ws, a) => {
    await mustMayReply(a, body.conversation_id);
    const r = ws.collision.claim(body.conversation_id, a.id);
    if (!r.ok) throw new HttpError(409, 'claim_held', `${r.held_by.agent_id} is composing a reply on this conversation`, { held_by: r.held_by });
    return { claim: r.claim };
  }));

  serve(app, HUB_ROUTES.releaseClaim, (req, { params }, reply) => withWs(req, reply, (ws, a) => {
    ws.collision.release(params.id, a.id);
    return {};
  }));

  serve(app, HUB_ROUTES.checkReply, (req, { body }, reply) => withWs(req, reply, (ws, a) => {
    const seen = body.seen_up_to === null ? null : typeof body.seen_up_to === 'number' ? body.seen_up_to : Date.parse(body.seen_up_to);
    return ws.collision.checkReply({ conversation_id: body.conversation_id, agent_id: a.id, seen_up_to: seen, confirm_token: body.confirm_token ?? null });
  }));

  serve(app, HUB_ROUTES.internalCheckReply, async (req, { body }) => {
    const given = req.headers[SECRET_HEADER];
    const secret = leadership?.secret ?? '';
    if (!routing.isLeader || !secret) throw new HttpError(503, 'unavailable', 'this hub does not lead routing');
    if (typeof given !== 'string' || given.length !== secret.length || !timingSafeEqual(Buffer.from(given), Buffer.from(secret))) {
      throw new HttpError(401, 'unauthorized', 'internal routing call without the leader secret');
    }
    // a workspace that cannot load answers 'send' below (routing being down must not stop replies); its error is logged
    await routing.workspace(body.workspace_id).catch(routing.onError);
    // the follower asks before its write, without the conversation's assignee; the leader's engine may
    // not have loaded a conversation that is new, so the assignee is read here: someone else's claim
    // must never hold back the assignee's reply (a supervisor's claim did, while leadership settled)
    const [conv] = await db.query<{ assignee_id: string | null }>(
      'SELECT assignee_id FROM conversations WHERE id = $1 AND workspace_id = $2', [body.conversation_id, body.workspace_id]);
    return routing.checkReplyCollision({ ...body, assignee_id: conv ? conv.assignee_id : undefined });
  });

  serveStream(app, HUB_STREAMS.routing, (socket, req) => {
    if (follower()) { forwardStream(findLeader, socket, req, deps.streamTicket); return; }
    const a = agentOf(req);
    const send = (m: RoutingPush) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m)); };
    const unsubscribe = routing.subscribe({
      agentId: a.id, workspaceId: a.workspace_id, supervisor: a.role !== 'agent', send,
      // this hub stopped leading: the desktop reconnects and is forwarded to the new leader
      close: () => { if (socket.readyState === socket.OPEN) socket.close(1012, 'routing leader changed'); },
    });
    let ws: WorkspaceRouting | null = null;
    routing.workspace(a.workspace_id).then((w) => { ws = w; }, (err) => send({ type: 'error', code: 'unavailable', message: String(err?.message ?? err) }));
    openStreams.set(a.id, (openStreams.get(a.id) ?? 0) + 1);
    const refused = new Set<string>(); // told once per conversation, not at every heartbeat
    let queue: Promise<void> = Promise.resolve(); // one message after the other: a leave never overtakes the heartbeat before it
    let gone = false;
    socket.on('message', (raw) => {
      let msg: unknown;
      try { msg = JSON.parse(raw.toString()); } catch { send({ type: 'error', code: 'malformed_json', message: 'messages must be JSON' }); return; }
      const r = StreamClientMessageSchema.safeParse(msg);
      if (!r.success) { send({ type: 'error', code: 'invalid', message: 'expected {"type":"heartbeat","conversation_id","activity"} or {"type":"leave","conversation_id"}' }); return; }
      if (!ws) return;
      const w = ws;
      const m = r.data;
      queue = queue.then(async () => {
        if (m.type === 'leave') { w.collision.leave(m.conversation_id, a.id); return; }
        const may = await mayReply(db, a, m.conversation_id);
        if (gone) return; // the stream closed meanwhile: its agent may be gone
        if (may) { w.collision.heartbeat(m.conversation_id, a.id, m.activity); return; }
        if (refused.has(m.conversation_id)) return;
        refused.add(m.conversation_id);
        send({ type: 'error', code: may === null ? 'not_found' : 'forbidden', message: may === null ? `conversation ${m.conversation_id} not found` : NOT_YOURS });
      }).catch((err) => send({ type: 'error', code: 'unavailable', message: String(err?.message ?? err) }));
    });
    socket.on('close', () => {
      gone = true;
      unsubscribe();
      const left = (openStreams.get(a.id) ?? 1) - 1;
      if (left > 0) { openStreams.set(a.id, left); return; }
      openStreams.delete(a.id);
      // after the messages still being handled; unless another stream of the agent opened meanwhile
      void queue.then(() => { if (!openStreams.has(a.id)) ws?.collision.leaveAll(a.id); });
    });
  });
}
