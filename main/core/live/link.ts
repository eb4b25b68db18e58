/**
 * The live links besides sync: the routing stream (offers, presence, who is viewing/typing,
 * SLA events, supervisor messages) for every agent, and the supervisor stream (the floor) for
 * supervisors and admins. Both reconnect with backoff while a session exists.
 */
import { RoutingPushSchema, type RoutingPush, type StreamClientMessage } from '../../../shared/contract/routing';
import { HUB_STREAMS } from '../../../shared/contract/hub-routes';
import { SupervisorStreamMessageSchema, type Floor } from '../../../shared/contract/supervisor';
import type { Role } from '../../../shared/domain';
import { HubClient } from '../sync/hub-client';
import { ReconnectingSocket } from '../reconnecting-socket';

export interface LiveSession { hub_url: string; token: string; role: Role }

export interface LiveHooks {
  push(p: RoutingPush): void;
  floor(f: Floor): void;
  state(s: { routing: boolean; supervisor: boolean }): void;
  log?(msg: string): void;
}

export class LiveLink {
  private routing: ReconnectingSocket | null = null;
  private supervisor: ReconnectingSocket | null = null;

  constructor(private readonly hooks: LiveHooks, private readonly backoff: { baseMs: number; maxMs: number } = { baseMs: 500, maxMs: 30_000 }) {}

  get state() { return { routing: this.routing?.up ?? false, supervisor: this.supervisor?.up ?? false }; }

  /** (Re)connects for this session; null disconnects. */
  start(session: LiveSession | null): void {
    this.stop();
    if (!session) return;
    const client = new HubClient(session.hub_url, session.token);
    const common = { backoffBaseMs: this.backoff.baseMs, backoffMaxMs: this.backoff.maxMs, onState: () => this.hooks.state(this.state) };
    this.routing = new ReconnectingSocket({
      ...common,
      url: () => client.streamUrl(HUB_STREAMS.routing),
      onMessage: (msg) => {
        const r = RoutingPushSchema.safeParse(msg);
        if (!r.success) { this.hooks.log?.(`routing stream: unexpected message ${JSON.stringify(msg).slice(0, 200)}`); return; }
        this.hooks.push(r.data);
      },
    });
    if (session.role !== 'agent') {
      this.supervisor = new ReconnectingSocket({
        ...common,
        url: () => client.streamUrl(HUB_STREAMS.supervisor),
        onMessage: (msg) => {
          const r = SupervisorStreamMessageSchema.safeParse(msg);
          if (!r.success) this.hooks.log?.(`supervisor stream: unexpected message ${r.error.message.slice(0, 200)}`);
          else if (r.data.type === 'floor') this.hooks.floor(r.data.floor);
          else this.hooks.log?.(`supervisor stream: ${r.data.code} ${r.data.message}`);
        },
      });
    }
  }

  /** Sends on the routing stream; false when it is not connected. */
  send(msg: StreamClientMessage): boolean {
    return this.routing?.send(msg) ?? false;
  }

  stop(): void {
    const had = this.routing !== null || this.supervisor !== null;
    this.routing?.stop();
    this.supervisor?.stop();
    this.routing = this.supervisor = null;
    if (had) this.hooks.state(this.state);
  }
}
