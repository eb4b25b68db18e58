/**
 * Quality review over HTTP (the quality rows of shared/contract/hub-routes.ts): an agent's own scores,
 * the reviewers' sample, one score, and a review (supervisors and admins; audited).
 */
import type { FastifyInstance } from 'fastify';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { Queryable } from '../db/db';
import type { AgentContext } from '../sync/scope';
import { agentScores, QualityRefusal, reviewSample, reviewScore, scoreView } from './store';

const assertReviewer = (me: AgentContext, what: string) => {
  if (me.role === 'agent') throw new HttpError(403, 'forbidden', `${what} is for supervisors and admins; your own scores are in My quality`);
};

export function registerQualityRoutes(app: FastifyInstance, db: Queryable): void {
  serve(app, HUB_ROUTES.qualityMine, async (req) => {
    const me = agentOf(req);
    return { scores: await agentScores(db, me.workspace_id, me.id) };
  });
  serve(app, HUB_ROUTES.qualitySample, async (req, { query }) => {
    const me = agentOf(req);
    assertReviewer(me, 'the review sample');
    try {
      return await reviewSample(db, me.workspace_id, { week: query.week, perAgent: query.per_agent, all: query.all === 'true' });
    } catch (e) {
      if (e instanceof RangeError) throw new HttpError(400, 'invalid', e.message);
      throw e;
    }
  });
  serve(app, HUB_ROUTES.qualityScore, async (req, { params }) => {
    const me = agentOf(req);
    const view = await scoreView(db, me.workspace_id, params.id);
    if (!view) throw new HttpError(404, 'not_found', `no quality score ${params.id} in this workspace`);
    if (me.role === 'agent' && view.agent_id !== me.id) throw new HttpError(403, 'forbidden', 'an agent sees their own scores only');
    return view;
  });
  serve(app, HUB_ROUTES.reviewQuality, async (req, { params, body }) => {
    const me = agentOf(req);
    assertReviewer(me, 'reviewing a score');
    try {
      await reviewScore(db, me, params.id, body.overrides);
    } catch (e) {
      if (e instanceof QualityRefusal) throw new HttpError(e.status, e.code, e.message);
      throw e;
    }
    return (await scoreView(db, me.workspace_id, params.id))!;
  }, { audit: { action: 'quality.reviewed', target_type: 'quality_score', body: true } });
}
