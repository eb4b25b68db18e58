/**
 * Which modules a hub runs, in order: their routes are registered, and they start, in this order;
 * they stop in the reverse order. Each module is one object (api/module.ts); their hooks on the
 * write path are composed once, here, and handed to the write path (conversations).
 */
import { hostname } from 'node:os';
import { accountsModule, type AccountsOptions } from './accounts/module';
import { adminModule } from './admin/module';
import { analysisModule } from './analysis/module';
import { approvalsModule, releaseApproval, requireApproval } from './approvals/module';
import { assistModule } from './assist/module';
import type { AnalysisService } from './analysis/service';
import { composeHooks, logErrors, type HubLogger, type HubModule, type IngestHooks } from './api/module';
import { loadConnectorConfig, type ConnectorConfig } from './connectors/config';
import { connectorsModule } from './connectors/module';
import { conversationsModule } from './conversations/module';
import { customersModule } from './customers/module';
import type { Db } from './db/db';
import { dbModule } from './db/module';
import { demoModule } from './demo/module';
import type { DemoOptions } from './demo/demo';
import { metricsModule } from './metrics/module';
import { MIGRATIONS } from './db/migrate';
import { opsModule, opsOptionsFromEnv, type OpsOptions } from './ops/module';
import { outboundModule, type OutboundOptions } from './outbound/module';
import { qualityModule } from './quality/module';
import { reportSections } from './report-sections';
import { routingModule, type RoutingModuleOptions } from './routing/module';
import type { CrisisRouting } from './spikes/crisis';
import { spikesModule } from './spikes/module';
import { staffingModule } from './staffing/module';
import type { SpikeServiceOptions } from './spikes/service';
import { supervisorModule } from './supervisor/module';
import type { ChangeLog } from './sync/changelog';
import { syncModule, type SyncModuleOptions } from './sync/module';
import type { NormalizedPost } from './connectors/types';
import type { Channel } from '../shared/domain';

/** What runs in a hub: each module on or off, or its options. */
export interface ModuleOptions {
  /** analysis of every inbound post (default true) */
  analysis?: boolean | AnalysisService;
  /**
   * routing: offers, presence, SLA, collision checks on replies (default off here, on in the CLI: it
   * offers and assigns conversations by itself). Several hubs on one PostgreSQL schema elect a leader.
   */
  routing?: boolean | RoutingModuleOptions;
  /** /v1/metrics/* endpoints (default true) */
  metrics?: boolean;
  /** CSAT and effort questions sent after a resolve (default false) */
  surveys?: boolean;
  /** /v1/supervisor/* endpoints (default true) */
  supervisor?: boolean;
  /** live spike alerts (hub/spikes): every stored post counted, alerts on the Floor (default true) */
  spikes?: boolean | SpikeServiceOptions;
  /** schedules, staffing and adherence on the Floor, adherence in the report (hub/staffing; default true) */
  staffing?: boolean;
  /** /v1/assist/*: suggestions and summaries for conversations a desktop has not cached (default true) */
  assist?: boolean;
  /**
   * webhooks, outbound connectors and feeds: a config (`workspace`: the workspace they ingest into;
   * default TEND_WORKSPACE, else the demo's, else the first), or false; default loadConnectorConfig(process.env)
   */
  channels?: (ConnectorConfig & { workspace?: string }) | false;
  /** outbound messages: sandbox connector, more connectors, dispatcher */
  outbound?: OutboundOptions;
  /** the sync change log's retention (hub/sync/retention.ts): false keeps every change; default TEND_CHANGE_LOG_RETENTION_DAYS or 14 days */
  changeLogRetention?: SyncModuleOptions['retention'];
  /** how often snoozed conversations are checked for waking (ms, default 15 000; 0 = never) */
  snoozeCheckMs?: number;
  /** seed the demo workspace and replay IBM care conversations */
  demo?: boolean | DemoOptions;
  /** session limits and sign-in throttling (default: hub/accounts/policy.ts, or TEND_SESSION_* / TEND_LOGIN_* variables) */
  accounts?: AccountsOptions;
  /** /metrics: a scraper's token, a port of its own (default TEND_METRICS_TOKEN, TEND_METRICS_PORT, TEND_METRICS_HOST) */
  ops?: OpsOptions;
}

export interface HubParts {
  /** in order */
  modules: HubModule[];
  accounts: ReturnType<typeof accountsModule>;
  conversations: ReturnType<typeof conversationsModule>;
  outbound: ReturnType<typeof outboundModule>;
  analysis: ReturnType<typeof analysisModule> | null;
  routing: ReturnType<typeof routingModule> | null;
  spikes: ReturnType<typeof spikesModule> | null;
  demo: ReturnType<typeof demoModule> | null;
  ops: ReturnType<typeof opsModule>;
  hooks: { ingest: IngestHooks };
}

/**
 * The modules of a hub. `logger` is the hub's log (Fastify's pino): each module gets a child named
 * after it, and reports its background failures there.
 */
export function hubModules(core: { db: Db; log: ChangeLog; logger: HubLogger; databaseUrl?: string; dataDir?: string; publicUrl?: string; replica?: Db },
  options: ModuleOptions): HubParts {
  const { db, log } = core;
  const logger = (module: string) => core.logger.child({ module });
  // a disabled agent leaves the floor at once (routing is built below; the hook runs later)
  let routingRef: ReturnType<typeof routingModule> | null = null;
  const accounts = accountsModule(log, {
    ...options.accounts,
    onAgentDisabled: (workspaceId, agentId) => routingRef?.service.agentDisabled(workspaceId, agentId),
  });
  const analysis = options.analysis === false ? null
    : analysisModule(db, typeof options.analysis === 'object' ? options.analysis : undefined);
  // crisis periods (hub/spikes) are a section of the workspace's report; spikes is built below
  let spikesRef: ReturnType<typeof spikesModule> | null = null;
  // schedules and adherence (hub/staffing): adherence is a section of the report too, and staffing a part of the Floor
  const staffing = options.staffing === false ? null : staffingModule(db);
  const metrics = metricsModule(log, {
    routes: options.metrics !== false, surveys: !!options.surveys, onError: logErrors(logger('metrics'), 'metrics failed'), replica: core.replica,
    sections: reportSections(db, { crisis: () => spikesRef?.crisis ?? null, adherence: staffing !== null }),
  });
  const routing = !options.routing ? null : routingModule(log, {
    ...(typeof options.routing === 'object' ? options.routing : {}), databaseUrl: core.databaseUrl, publicUrl: core.publicUrl, hostname, logger: logger('routing'),
    // the rules editor's try-it box analyses a pasted post as an inbound one
    analyze: analysis ? (ws, text, channel) => analysis.service.analyzePost(ws, tryItPost(text, channel)) : undefined,
    streamTicket: accounts.issueTicket,
  });
  routingRef = routing;
  // crisis mode routes a topic with a rule put first in the workspace's rules, and tells every desk (hub/spikes/crisis.ts)
  const crisisRouting: CrisisRouting | null = !routing ? null : {
    async setRule(ws, id, rule, by) {
      const config = (await routing.service.workspace(ws)).engine.getConfig();
      const rules = config.rules.filter((r) => r.id !== id);
      if (rule) rules.unshift({ id, name: rule.name, enabled: true, filters: [{ field: 'topic', op: 'in', values: [rule.topic] }], targets: [{ queue_id: `q-${rule.team_id}`, priority: 0, timeout_seconds: null }] });
      await routing.service.setConfig(ws, { ...config, rules }, by);
    },
    announce: (ws, push) => routing.service.broadcast(ws, push),
  };
  const spikes = options.spikes === false ? null : spikesModule(db, logger('spikes'), typeof options.spikes === 'object' ? options.spikes : {}, () => crisisRouting,
    // while a crisis is on, public replies on its topic wait for a supervisor's approval (hub/approvals' holds)
    { require: requireApproval, release: releaseApproval });
  spikesRef = spikes;
  const supervisor = options.supervisor === false ? null : supervisorModule(log, routing, logger('supervisor'), spikes?.service ?? null, staffing?.floor ?? null);
  // public replies the workspace's rules hold for a supervisor's approval (issue 15)
  const approvals = approvalsModule(log);
  // every resolve's automatic quality score, reviews beside it (issue 15)
  const quality = qualityModule(db, logger('quality'));
  const hooks = composeHooks([analysis, metrics, routing, approvals, spikes, quality].filter((m) => m !== null));
  const conversations = conversationsModule(log, { ingest: hooks.ingest, mutations: hooks.mutations, snoozeCheckMs: options.snoozeCheckMs, logger: logger('conversations') });
  const outbound = outboundModule(log, options.outbound ?? {}, logger('outbound'));
  const channels: (ConnectorConfig & { workspace?: string }) | null = options.channels === false ? null : options.channels ?? loadConnectorConfig(process.env);
  const connectors = channels ? connectorsModule(db, {
    config: channels, workspace: channels.workspace ?? process.env.TEND_WORKSPACE ?? (options.demo ? 'demo' : null),
    ingestor: conversations.ingestor, register: (c) => outbound.registry.register(c), unregister: (ch) => outbound.registry.unregister(ch),
    dataDir: core.dataDir, logger: logger('connectors'), demo: !!options.demo,
  }) : null;
  const demo = options.demo ? demoModule(log, options.demo === true ? {} : options.demo, hooks.ingest, logger('demo')) : null;
  const endedByReset = new Map<string, string[]>();
  const admin = adminModule(log, {
    presence: routing?.service ?? null,
    // teams, people, roles and access changes go to the audit log (hub/accounts/audit.ts)
    audit: accounts.audit,
    // resetting access revokes every session in the same write; their streams close once it committed
    endSessions: async (w, agentId) => { endedByReset.set(agentId, await accounts.sessions.markRevoked(w, { agentId }, 'access reset')); },
    afterSessionsEnded: (agentId) => {
      accounts.sessions.closeEnded(endedByReset.get(agentId) ?? [], 'access reset', agentId);
      endedByReset.delete(agentId);
    },
    teamsChanged: (workspaceId) => { void routing?.service.teamsChanged(workspaceId).catch(logErrors(logger('admin'), 'reloading the teams failed')); },
    channels: connectors?.channels ?? null,
  });
  const assist = options.assist === false ? null : assistModule(db);
  // health, readiness and metrics read the other modules when asked (hub/ops)
  const ops = opsModule({
    db, latestMigration: MIGRATIONS.at(-1)!.version, logger: logger('ops'),
    session: (token) => accounts.auth.session(token),
    routingLeader: !routing ? null : async () => {
      if (routing.service.isLeader) return 'this hub';
      return (await routing.leadership?.leader())?.url ?? null;
    },
    routing: () => (routing ? { leader: routing.service.isLeader, events: routing.service.eventCounts, consumedSyncId: routing.service.consumedSyncId } : null),
    webhooks: () => connectors?.webhooks() ?? null,
  }, options.ops ?? opsOptionsFromEnv(process.env));
  // ops first: its request timer sees every route
  const modules = [ops, dbModule(db, logger('db'), core.dataDir), accounts, admin, syncModule(log, { retention: options.changeLogRetention, onError: logErrors(logger('sync'), 'change-log retention failed') }), analysis, assist, metrics, routing, spikes, staffing, supervisor, approvals, quality, conversations, customersModule(log), outbound, connectors, demo]
    .filter((m): m is HubModule => m !== null);
  return { modules, accounts, conversations, outbound, analysis, routing, spikes, demo, ops, hooks: { ingest: hooks.ingest } };
}

/** A pasted post as the analysis reads an inbound one (the try-it box; stored nowhere). */
function tryItPost(text: string, channel: Channel): NormalizedPost {
  return {
    channel, account: 'try-it', platform_id: 'try-it', text, visibility: 'public', in_reply_to: null, created_at: new Date().toISOString(),
    permalink: null, from_brand: false, author: { platform_user_id: null, handle: 'try-it', name: 'Try it', followers: null, verified: false },
  };
}
