/** The hub's public surface for the CLI, tests, e2e and benchmarks. */
export { startHub, type Hub, type StartHubOptions } from './hub';
export { openDb, type Db, type Queryable, type OpenDbOptions } from './db/db';
export { migrate, MIGRATIONS } from './db/migrate';
export { ChangeLog, Writer, sql, type ChangeRecord } from './sync/changelog';
export { scopeSnapshot, loadAgentContext, agentKeys, type AgentContext } from './sync/scope';
export { HubIngestor, IngestError, analyzePostDefault, routeToDefaultQueue, type AnalyzePost, type RoutePost, type RouteDecision, type RouteInput } from './conversations/ingest';
export { ConnectorRegistry } from './outbound/registry';
export { Dispatcher, type DispatcherOptions } from './outbound/dispatcher';
export { SandboxConnector } from './connectors/sandbox';
export { createWorkspace, createTeam, createAgent, setAgentTeams, ensureChannelAccount } from './accounts/admin';
export { DEMO_AGENTS, DEMO_PASSWORD, DEMO_WORKSPACE_ID, type DemoInfo, type DemoOptions } from './demo/demo';
export { wakeSnoozed, startSnoozeWaker } from './conversations/snooze';
export { AnalysisService } from './analysis/service';
export { PgModelStore } from './analysis/pg-store';
export { RoutingService } from './routing/service';
export { computeFloor } from './supervisor/floor';
export { registerSupervisorRoutes } from './supervisor/routes';
export { applyMutations, correctedAnalysis, type MutationHooks } from './conversations/mutations';
