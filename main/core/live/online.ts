/**
 * Requests that only the hub can answer (routing, supervisor, metrics). Errors come back as
 * CoreErrors an agent can read: `offline` when the hub cannot be reached, the hub's own code
 * and message when it refuses, never a stack trace.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MutationArgsSchemas, type MutationType } from '../../../shared/contract/hub-api';
import type { DesktopResponse } from '../../../shared/contract/desktop';
import {
  MetricsReportSchema, OfferAnswerResponseSchema, PresenceResponseSchema, PresenceSetResponseSchema, PullResponseSchema,
  HeartbeatResponseSchema, type CollisionActivity,
} from '../../../shared/contract/routing';
import { FloorSchema } from '../../../shared/contract/supervisor';
import type { Agent } from '../../../shared/domain';
import { CoreError } from '../errors';
import { HubClient, HubRequestError, NetworkError } from '../sync/hub-client';
import { HubInsightCloseResponseSchema, HubInsightsResponseSchema, RuleNamesResponseSchema, type HubInsight } from '../../../shared/contract/routing';

const Ok = z.object({}).catchall(z.unknown());

export class OnlineApi {
  constructor(private readonly session: () => { hub_url: string; token: string; agent: Agent | null } | null) {}

  private async call<T>(what: string, fn: (c: HubClient) => Promise<T>): Promise<T> {
    const s = this.session();
    if (!s) throw new CoreError('not_logged_in', 'log in first');
    try {
      return await fn(new HubClient(s.hub_url, s.token, 10_000));
    } catch (err) {
      if (err instanceof NetworkError) throw new CoreError('offline', `You are offline: ${what} needs the hub (${err.message})`);
      if (err instanceof HubRequestError) {
        if (err.status === 401) throw new CoreError('unauthorized', 'the hub no longer accepts this session; log in again');
        if (err.status === 404 && err.code.startsWith('http_')) throw new CoreError('unavailable', `this hub does not offer ${what}`);
        throw new CoreError(err.code, err.message);
      }
      throw err;
    }
  }

  private requireSupervisor(what: string): void {
    const role = this.session()?.agent?.role;
    if (role === 'agent') throw new CoreError('forbidden', `${what} is for supervisors and admins`);
  }

  presence(): Promise<DesktopResponse<'presence.get'>> {
    return this.call('presence', (c) => c.request(PresenceResponseSchema, 'GET', '/v1/routing/presence'));
  }

  async setPresence(activityId: string, agentId?: string): Promise<DesktopResponse<'presence.set'>> {
    const me = this.session()?.agent?.id;
    if (agentId && agentId !== me) this.requireSupervisor("Moving another agent's presence");
    return this.call('presence', (c) => c.request(PresenceSetResponseSchema, 'PUT', '/v1/routing/presence', { activity_id: activityId, ...(agentId ? { agent_id: agentId } : {}) }));
  }

  async answerOffer(conversationId: string, answer: 'accept' | 'reject', offerId?: string): Promise<void> {
    await this.call(`${answer}ing an offer`, (c) => c.request(OfferAnswerResponseSchema, 'POST',
      `/v1/routing/offers/${encodeURIComponent(conversationId)}/${answer}`, offerId ? { offer_id: offerId } : {}));
  }

  pull(): Promise<DesktopResponse<'queue.pull'>> {
    return this.call('taking the next conversation', (c) => c.request(PullResponseSchema, 'POST', '/v1/routing/pull', {}));
  }

  async heartbeat(conversationId: string, activity: CollisionActivity): Promise<void> {
    await this.call('collision presence', (c) => c.request(HeartbeatResponseSchema, 'POST', '/v1/routing/collision/heartbeat', { conversation_id: conversationId, activity }));
  }

  async floor(): Promise<DesktopResponse<'floor.get'>> {
    this.requireSupervisor('The floor');
    return this.call('the floor', (c) => c.request(FloorSchema, 'GET', '/v1/supervisor/floor'));
  }

  /**
   * A change to a conversation outside this desktop's cache (a supervisor acting from the
   * floor on someone else's conversation): sent to the hub at once, refused with the hub's reason.
   */
  async mutate(type: MutationType, args: Record<string, unknown>): Promise<void> {
    const check = MutationArgsSchemas[type].safeParse(args);
    if (!check.success) throw new CoreError('invalid', check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const id = randomUUID();
    const { results } = await this.call('changing a conversation outside your inbox', (c) => c.mutations([{ id, type, args: check.data }]));
    const r = results.find((x) => x.id === id);
    if (!r) throw new CoreError('offline', 'the hub did not answer the change; try again');
    if (!r.ok) throw new CoreError(r.error.code, r.error.message);
  }

  async message(agentId: string, text: string): Promise<void> {
    this.requireSupervisor('Messaging an agent');
    await this.call('messaging an agent', (c) => c.request(Ok, 'POST', '/v1/supervisor/message', { agent_id: agentId, text }));
  }

  async insights(departmentId?: string): Promise<HubInsight[]> {
    const q = departmentId ? `?${new URLSearchParams({ department_id: departmentId })}` : '';
    return (await this.call('insights', (c) => c.request(HubInsightsResponseSchema, 'GET', `/v1/routing/insights${q}`))).insights;
  }

  async closeInsight(id: string, resolution: string): Promise<HubInsight> {
    return (await this.call('closing an insight', (c) => c.request(HubInsightCloseResponseSchema, 'POST', `/v1/routing/insights/${encodeURIComponent(id)}/close`, { resolution }))).insight;
  }

  async ruleNames(): Promise<Map<string, string>> {
    const { config } = await this.call('routing rules', (c) => c.request(RuleNamesResponseSchema, 'GET', '/v1/routing/config'));
    return new Map(config.rules.map((r) => [r.id, r.name]));
  }

  metricsMe(from: string, to: string): Promise<DesktopResponse<'metrics.me'>> {
    return this.call('your figures', (c) => c.request(MetricsReportSchema, 'GET', `/v1/metrics/me?${new URLSearchParams({ from, to })}`));
  }
}

/** The last `days` days up to today (UTC dates), as /v1/metrics takes them. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: day(now - (days - 1) * 86_400_000), to: day(now) };
}
