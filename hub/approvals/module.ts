/**
 * approvals (issue 15): public replies that the workspace's rules hold for a supervisor's approval.
 * rules.ts decides (pure), gate.ts is the reply's hook on the write path, decide.ts approves or
 * rejects, queue.ts lists what waits, store.ts keeps the rules and the holds other features add
 * (crisis mode: `requireApproval` / `releaseApproval`), routes.ts serves them.
 */
import type { HubModule } from '../api/module';
import type { ChangeLog } from '../sync/changelog';
import { replyApprovalReasons } from './gate';
import { registerApprovalRoutes } from './routes';

export { requireApproval, releaseApproval, getApprovalRules, setApprovalRules, getApprovalHolds } from './store';

export function approvalsModule(log: ChangeLog): HubModule {
  return {
    name: 'approvals',
    routes: (app) => registerApprovalRoutes(app, log),
    mutations: { replyApproval: replyApprovalReasons },
  };
}
