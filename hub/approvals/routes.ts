/**
 * Approvals over HTTP: the approvers' queue and decisions (HUB_ROUTES approvalQueue, approveReply,
 * rejectReply: supervisors and admins) and the rules (ADMIN_ROUTES approvalSettings: supervisors and
 * admins read; setApprovalSettings: admins, audited).
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog } from '../sync/changelog';
import { assertApprover, decide } from './decide';
import { approvalQueue } from './queue';
import { ApprovalRulesError, approvalSettingsView, setApprovalRules } from './store';

export function registerApprovalRoutes(app: FastifyInstance, log: ChangeLog): void {
  const db = log.db;
  serve(app, HUB_ROUTES.approvalQueue, async (req) => {
    const me = agentOf(req);
    assertApprover(me);
    return approvalQueue(db, me.workspace_id);
  });
  serve(app, HUB_ROUTES.approveReply, (req, { params, body }) => decide(log, agentOf(req), params.id, { kind: 'approve', text: body.text }));
  serve(app, HUB_ROUTES.rejectReply, (req, { params, body }) => decide(log, agentOf(req), params.id, { kind: 'reject', note: body.note }));

  serve(app, ADMIN_ROUTES.approvalSettings, async (req) => {
    const me = agentOf(req);
    if (me.role === 'agent') throw new HttpError(403, 'forbidden', 'approval rules are for supervisors and admins');
    return approvalSettingsView(db, me.workspace_id);
  });
  serve(app, ADMIN_ROUTES.setApprovalSettings, async (req, { body }) => {
    const me = agentOf(req);
    if (me.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin changes the approval rules');
    try {
      await setApprovalRules(db, me.workspace_id, body, me.id);
    } catch (e) {
      if (e instanceof ApprovalRulesError) throw new HttpError(400, 'invalid', e.message);
      throw e;
    }
    return approvalSettingsView(db, me.workspace_id);
  }, { audit: { action: 'approvals.rules_changed', body: true } });
}
