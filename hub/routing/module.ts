/**
 * routing as a hub module: the RoutingService (one engine per workspace, fed by the change log),
 * its endpoints and stream (api.ts), its ingest hook (`route`: the first queue of a new
 * conversation) and its mutation hooks (reply collision checks).
 *
 * Several hubs on one PostgreSQL schema (a `databaseUrl` given): the hubs elect one routing leader
 * (leader.ts); the others forward routing to it (proxy.ts). A Db handed in without its URL routes alone.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import type { ChangeLog } from '../sync/changelog';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { registerRoutingRoutes, SECRET_HEADER } from './api';
import { RoutingLeadership } from './leader';
import { askLeaderToCheckReply, forwardHttp } from './proxy';
import { RoutingService, type RoutingServiceOptions } from './service';

export interface RoutingModuleOptions extends Omit<RoutingServiceOptions, 'onError'> {
  /** where routing problems are reported; default the hub's log */
  onError?: (err: unknown) => void;
  /** how often a follower tries to take over the lead (ms, default 3000) */
  leaderRetryMs?: number;
}

export interface RoutingModule extends HubModule {
  service: RoutingService;
  leadership: RoutingLeadership | null;
  /** on a follower: the request forwarded to the routing leader; null on the leader itself */
  forwardToLeader: ((req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | null) | null;
}

export function routingModule(log: ChangeLog, options: RoutingModuleOptions & {
  /** routing's log (the service and the leader election report their problems there) */
  logger: HubLogger;
  /** the PostgreSQL server's URL, when several hubs may share it (leader election needs its own connection) */
  databaseUrl?: string;
  /** where other hubs reach this one; default TEND_HUB_URL, else the listen URL (0.0.0.0 → this host's name) */
  publicUrl?: string;
  /** this host's name, for a hub listening on every interface */
  hostname: () => string;
  /** a fresh stream ticket for a session (hub/accounts): a follower forwards streams to the leader with it */
  streamTicket?(sessionId: string): Promise<string>;
}): RoutingModule {
  const { databaseUrl, publicUrl, leaderRetryMs, hostname, logger, streamTicket, ...serviceOptions } = options;
  const routing = new RoutingService(log, { ...serviceOptions, onError: serviceOptions.onError ?? logErrors(logger, 'routing failed') });
  const leadership = log.db.kind === 'pg' && databaseUrl
    ? new RoutingLeadership({
      db: log.db, databaseUrl, retryMs: leaderRetryMs, onError: logErrors(logger, 'routing leader election failed'),
      onChange: (leads) => (leads ? routing.promote() : routing.demote()),
    })
    : null;
  if (leadership) routing.shared((input) => askLeaderToCheckReply(() => leadership.leader(), HUB_ROUTES.internalCheckReply.path, SECRET_HEADER, input));
  return {
    name: 'routing',
    service: routing,
    leadership,
    forwardToLeader: leadership ? (req, reply) => (routing.isLeader ? null : forwardHttp(() => leadership.leader(), req, reply)) : null,
    routes: (app) => registerRoutingRoutes(app, { routing, leadership, streamTicket }),
    ingest: { route: routing.routePost, routeReady: routing.routeReady },
    mutations: {
      // the collision check runs inside the write transaction: load the workspace's routing (or ask the leader) before
      prepare: (agent, replies) => routing.prepareReplyChecks(agent.workspace_id, agent.id, replies),
      checkReplyCollision: (input) => routing.checkReplyCollision(input),
      // agents' streams are on this hub when it leads routing (a follower's mentions are not pushed)
      afterMention: async (workspaceId, m) => { routing.sendMention(workspaceId, m); },
    },
    async start(server) {
      routing.start();
      if (leadership) {
        const anyHost = server.host === '0.0.0.0' || server.host === '::';
        leadership.url = publicUrl ?? process.env.TEND_HUB_URL ?? (anyHost ? `http://${hostname()}:${server.port}` : server.url);
        await leadership.start();
      }
    },
    async stop() {
      // output written before the lock is given back, so the next leader loads it
      await routing.stop();
      await leadership?.stop();
    },
  };
}
