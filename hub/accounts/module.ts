/**
 * accounts: agents, passwords (auth.ts), sessions that end and stream tickets (sessions.ts), the
 * streams open under each session (streams.ts), sign-in throttling (throttle.ts), the audit log
 * (audit.ts), workspace administration (admin.ts), and their endpoints: login, logout, tickets and
 * /v1/me (routes.ts), /v1/admin/* (admin-routes.ts).
 */
import type { HubModule, RecordAudit, ServerAuth } from '../api/module';
import type { ChangeLog } from '../sync/changelog';
import { registerAdminRoutes } from './admin-routes';
import { recordAudit } from './audit';
import { accountsPolicy, type AccountsOptions, type AccountsPolicy } from './policy';
import { registerAccountRoutes } from './routes';
import { Sessions } from './sessions';
import { StreamRegistry } from './streams';
import { LoginThrottle } from './throttle';

export type { AccountsOptions } from './policy';

export interface AccountsModule extends HubModule {
  /** what the server's auth hook asks (api/server.ts) */
  auth: ServerAuth;
  sessions: Sessions;
  throttle: LoginThrottle;
  policy: AccountsPolicy;
  /** records an entry in the audit log (hub/admin's changes come here too) */
  audit: RecordAudit;
  /** a fresh stream ticket for a session (a follower hub forwarding a stream to the routing leader) */
  issueTicket(sessionId: string): Promise<string>;
}

export function accountsModule(log: ChangeLog, options: AccountsOptions & {
  /** an agent was disabled: take them off the floor (routing) */
  onAgentDisabled?(workspaceId: string, agentId: string): void;
} = {}): AccountsModule {
  const policy = accountsPolicy(options);
  const streams = new StreamRegistry();
  const sessions = new Sessions(log.db, policy, streams);
  const throttle = new LoginThrottle(log.db, policy.throttle);
  const audit = (e: Parameters<typeof recordAudit>[1]) => recordAudit(log.db, e);
  return {
    name: 'accounts',
    policy, sessions, throttle, audit,
    auth: {
      session: (token) => sessions.forToken(token),
      ticket: (ticket) => sessions.redeemTicket(ticket),
      streamOpened: (session, socket) => streams.add(session.id, session.agent.id, socket),
      audit,
    },
    issueTicket: async (sessionId) => (await sessions.issueTicket(sessionId)).ticket,
    routes(app) {
      registerAccountRoutes(app, { db: log.db, sessions, throttle, audit });
      registerAdminRoutes(app, { log, sessions, throttle, audit, onAgentDisabled: options.onAgentDisabled });
    },
    start: () => sessions.start(),
    stop: () => sessions.stop(),
  };
}
