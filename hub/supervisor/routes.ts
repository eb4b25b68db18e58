/**
 * The supervisor's endpoints (supervisors and admins of the workspace; agents get 403; the rows
 * of shared/contract/hub-routes.ts):
 *   floor           -> Floor (shared/contract/supervisor.ts)
 *   roster          -> Roster: every agent's presence and load; open to agents too (the assign
 *                      pickers warn with it)
 *   stream (WS)     -> {type:'floor', floor} at once, then within a second of a change, at most once
 *                      a second (and every 30 s, since time alone moves SLA risk)
 *   messageAgent    {agent_id, text} -> {delivered}: pushed to the agent as
 *                   {type:'agent_message', from_agent_id, from_name, text, at} on the routing stream
 * Supervisors act on the floor with the existing calls: mutations assign / set_priority on any
 * conversation of the workspace, setPresence {activity_id, agent_id}.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HUB_ROUTES, HUB_STREAMS } from '../../shared/contract/hub-routes';
import type { Floor } from '../../shared/contract/supervisor';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve, serveStream } from '../api/route';
import type { ChangeLog, ChangeRecord } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';
import { computeFloor, computeRoster, type PresenceSource } from './floor';

export interface SupervisorMessenger {
  sendAgentMessage(wsId: string, agentId: string, msg: { from_agent_id: string; from_name: string; text: string; at: string }): number;
}

/** Spike alerts for the Floor (hub/spikes' service): its list, and an event when a workspace's alerts change. */
export interface FloorAlerts {
  list(workspaceId: string, q: { state: 'recent'; limit: number }): Promise<Floor['alerts']>;
  events: { on(e: 'changed', f: (workspaceId: string) => void): unknown; off(e: 'changed', f: (workspaceId: string) => void): unknown };
}

/** Staffing for the Floor (hub/staffing's StaffingFloor): its section from the floor's agents, and an event when a schedule changes. */
export interface FloorStaffingSource {
  section(workspaceId: string, agents: Array<{ id: string; name: string; presence: string }>): Promise<NonNullable<Floor['staffing']>>;
  events: { on(e: 'changed', f: (workspaceId: string) => void): unknown; off(e: 'changed', f: (workspaceId: string) => void): unknown };
}

export interface SupervisorDeps {
  /** spike alerts on the floor, when hub/spikes runs */
  alerts?: FloorAlerts | null;
  /** staffing on the floor (forecast vs actual, required and scheduled agents, adherence), when hub/staffing runs */
  staffing?: FloorStaffingSource | null;
  log: ChangeLog;
  /** routing, when it runs: live presence, and a way to reach agents' desktops */
  routing?: (PresenceSource & SupervisorMessenger & { subscribe(s: { agentId: string; workspaceId: string; supervisor: boolean; send: (m: unknown) => void }): () => void }) | null;
  /**
   * Several hubs on one database: agents' routing streams live on the routing leader, so a message
   * must be sent from there. Returns the forwarded reply, or null on the leader itself.
   */
  forwardToRoutingLeader?: ((req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | null) | null;
  /** shortest gap between two pushes to one workspace (ms); default 1000 */
  throttleMs?: number;
  /** refresh without changes (ms); default 30 000 */
  refreshMs?: number;
  onError(err: unknown): void;
}

async function floorOf(deps: SupervisorDeps, wsId: string): Promise<Floor> {
  const [floor, alerts] = await Promise.all([
    computeFloor(deps.log.db, wsId, { presence: deps.routing ?? null }),
    deps.alerts ? deps.alerts.list(wsId, { state: 'recent', limit: 20 }) : Promise.resolve([]),
  ]);
  // staffing reads the presence the floor computed (routing's live state), so both show the same
  const staffing = deps.staffing ? await deps.staffing.section(wsId, floor.agents) : undefined;
  return { ...floor, alerts, ...(staffing ? { staffing } : {}) };
}

/** Pushes a workspace's floor to its open supervisor streams, throttled. */
class FloorPublisher {
  private readonly sockets = new Set<(floor: Floor) => void>();
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private dirty = false;
  private unsubscribeRouting: (() => void) | null = null;

  constructor(private readonly wsId: string, private readonly deps: SupervisorDeps) {}

  add(send: (floor: Floor) => void): () => void {
    this.sockets.add(send);
    if (this.sockets.size === 1 && this.deps.routing) {
      // presence moves do not go through the change log: routing's supervisor pushes say so
      this.unsubscribeRouting = this.deps.routing.subscribe({ agentId: '\u0000floor', workspaceId: this.wsId, supervisor: true, send: () => this.changed() });
    }
    this.changed(true);
    return () => {
      this.sockets.delete(send);
      if (this.sockets.size === 0) this.close();
    };
  }

  get empty() { return this.sockets.size === 0; }

  close(): void {
    this.unsubscribeRouting?.();
    this.unsubscribeRouting = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  changed(now = false): void {
    this.dirty = true;
    if (this.running || this.timer || this.sockets.size === 0) return;
    const wait = now ? 0 : Math.max(0, this.last + (this.deps.throttleMs ?? 1000) - Date.now());
    this.timer = setTimeout(() => { this.timer = null; void this.publish(); }, wait);
    this.timer.unref?.();
  }

  private async publish(): Promise<void> {
    if (this.sockets.size === 0) return;
    this.running = true;
    this.dirty = false;
    this.last = Date.now();
    try {
      const floor = await floorOf(this.deps, this.wsId);
      for (const send of this.sockets) send(floor);
    } catch (err) {
      this.deps.onError(err);
    } finally {
      this.running = false;
    }
    if (this.dirty) this.changed();
  }
}

export function registerSupervisorRoutes(app: FastifyInstance, deps: SupervisorDeps): () => void {
  const publishers = new Map<string, FloorPublisher>();
  const supervisorOf = (req: FastifyRequest): AgentContext => {
    const a = agentOf(req);
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'the floor is for supervisors and admins');
    return a;
  };

  const onCommitted = (records: ChangeRecord[]) => {
    if (records.length === 0) { for (const p of publishers.values()) p.changed(); return; }
    // only agent snapshots carry their workspace: with any other change, every open floor is refreshed (throttled anyway)
    const touched = new Set<string>();
    for (const r of records) {
      if (r.entity !== 'agent') { for (const p of publishers.values()) p.changed(); return; }
      touched.add(r.data.workspace_id);
    }
    for (const ws of touched) publishers.get(ws)?.changed();
  };
  deps.log.events.on('committed', onCommitted);
  const onAlerts = (ws: string) => publishers.get(ws)?.changed();
  deps.alerts?.events.on('changed', onAlerts);
  deps.staffing?.events.on('changed', onAlerts);
  const refresh = setInterval(() => { for (const p of publishers.values()) p.changed(); }, deps.refreshMs ?? 30_000);
  refresh.unref?.();

  serve(app, HUB_ROUTES.floor, async (req) => {
    const a = supervisorOf(req);
    return floorOf(deps, a.workspace_id);
  });

  // agents assign too (to a colleague, back to the queue): they see who is there and how loaded, not the floor
  serve(app, HUB_ROUTES.roster, async (req) => ({
    agents: await computeRoster(deps.log.db, agentOf(req).workspace_id, { presence: deps.routing ?? null }),
  }));

  serve(app, HUB_ROUTES.messageAgent, async (req, { body }, reply) => {
    const a = supervisorOf(req);
    const forwarded = deps.forwardToRoutingLeader?.(req, reply);
    if (forwarded) return forwarded;
    const [target] = await deps.log.db.query('SELECT 1 FROM agents WHERE id = $1 AND workspace_id = $2', [body.agent_id, a.workspace_id]);
    if (!target) throw new HttpError(404, 'not_found', `agent ${body.agent_id} not found`);
    if (!deps.routing) throw new HttpError(503, 'unavailable', 'routing is off on this hub: agents cannot be messaged');
    const delivered = deps.routing.sendAgentMessage(a.workspace_id, body.agent_id, {
      from_agent_id: a.id, from_name: a.name, text: body.text, at: new Date().toISOString(),
    });
    return { delivered };
  });

  serveStream(app, HUB_STREAMS.supervisor, (socket, req) => {
    const a = agentOf(req);
    if (a.role === 'agent') {
      socket.send(JSON.stringify({ type: 'error', code: 'forbidden', message: 'the floor is for supervisors and admins' }));
      socket.close(4403, 'forbidden');
      return;
    }
    let p = publishers.get(a.workspace_id);
    if (!p) { p = new FloorPublisher(a.workspace_id, deps); publishers.set(a.workspace_id, p); }
    const pub = p;
    const remove = pub.add((floor) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'floor', floor })); });
    socket.on('close', () => {
      remove();
      if (pub.empty && publishers.get(a.workspace_id) === pub) publishers.delete(a.workspace_id);
    });
  });

  return () => {
    deps.log.events.off('committed', onCommitted);
    deps.alerts?.events.off('changed', onAlerts);
    deps.staffing?.events.off('changed', onAlerts);
    clearInterval(refresh);
    for (const p of publishers.values()) p.close();
    publishers.clear();
  };
}
