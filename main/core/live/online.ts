/**
 * Requests that only the hub can answer (routing, supervisor, metrics). Errors come back as
 * CoreErrors an agent can read: `offline` when the hub cannot be reached, the hub's own code
 * and message when it refuses, never a stack trace.
 */
import { randomUUID } from 'node:crypto';
import type { DesktopRequest, DesktopResponse } from '../../../shared/contract/desktop';
import type { Mutation } from '../../../shared/contract/hub-api';
import { HUB_ROUTES } from '../../../shared/contract/hub-routes';
import type { CollisionActivity, HubInsight } from '../../../shared/contract/routing';
import type { Agent } from '../../../shared/domain';
import { ADMIN_CALL_ROUTES, type AdminCallName } from '../../../shared/contract/admin-call';
import { routePath, type HubRoute } from '../../../shared/contract/route';
import { CoreError } from '../errors';
import { HubClient, HubRequestError, NetworkError } from '../sync/hub-client';

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
    return this.call('presence', (c) => c.call(HUB_ROUTES.presence, {}));
  }

  async setPresence(activityId: string, agentId?: string): Promise<DesktopResponse<'presence.set'>> {
    const me = this.session()?.agent?.id;
    if (agentId && agentId !== me) this.requireSupervisor("Moving another agent's presence");
    return this.call('presence', (c) => c.call(HUB_ROUTES.setPresence, { body: { activity_id: activityId, ...(agentId ? { agent_id: agentId } : {}) } }));
  }

  async answerOffer(conversationId: string, answer: 'accept' | 'reject', offerId?: string): Promise<void> {
    await this.call(`${answer}ing an offer`, (c) => c.call(answer === 'accept' ? HUB_ROUTES.acceptOffer : HUB_ROUTES.rejectOffer,
      { params: { id: conversationId }, body: offerId ? { offer_id: offerId } : {} }));
  }

  pull(): Promise<DesktopResponse<'queue.pull'>> {
    return this.call('taking the next conversation', (c) => c.call(HUB_ROUTES.pull, {}));
  }

  async heartbeat(conversationId: string, activity: CollisionActivity): Promise<void> {
    await this.call('collision presence', (c) => c.call(HUB_ROUTES.heartbeat, { body: { conversation_id: conversationId, activity } }));
  }

  async floor(): Promise<DesktopResponse<'floor.get'>> {
    this.requireSupervisor('The floor');
    return this.call('the floor', (c) => c.call(HUB_ROUTES.floor, {}));
  }

  roster(): Promise<DesktopResponse<'roster.get'>> {
    return this.call('who is available', (c) => c.call(HUB_ROUTES.roster, {}));
  }

  /**
   * A change to a conversation outside this desktop's cache (a supervisor acting from the
   * floor on someone else's conversation): sent to the hub at once, refused with the hub's reason.
   */
  async mutate(m: Omit<Mutation, 'id'>): Promise<void> {
    const id = randomUUID();
    const { results } = await this.call('changing a conversation outside your inbox', (c) => c.mutations([{ id, ...m }]));
    const r = results.find((x) => x.id === id);
    if (!r) throw new CoreError('offline', 'the hub did not answer the change; try again');
    if (!r.ok) throw new CoreError(r.error.code, r.error.message);
  }

  customerRelated(customerId: string): Promise<DesktopResponse<'customer.related'>> {
    return this.call('profiles of the same person', (c) => c.call(HUB_ROUTES.customerRelated, { params: { id: customerId } }));
  }

  mergeCustomers(intoId: string, fromId: string): Promise<DesktopResponse<'customer.merge'>> {
    return this.call('merging profiles', (c) => c.call(HUB_ROUTES.mergeCustomers, { body: { into_id: intoId, from_id: fromId } }));
  }

  unmergeCustomers(mergeId: string): Promise<DesktopResponse<'customer.unmerge'>> {
    return this.call('undoing a merge', (c) => c.call(HUB_ROUTES.undoMerge, { params: { id: mergeId } }));
  }

  async message(agentId: string, text: string): Promise<void> {
    this.requireSupervisor('Messaging an agent');
    await this.call('messaging an agent', (c) => c.call(HUB_ROUTES.messageAgent, { body: { agent_id: agentId, text } }));
  }

  acknowledgeSpike(id: string): Promise<DesktopResponse<'spikes.acknowledge'>> {
    this.requireSupervisor('Acknowledging a spike alert');
    return this.call('acknowledging a spike alert', (c) => c.call(HUB_ROUTES.acknowledgeSpikeAlert, { params: { id } }));
  }

  crises(): Promise<DesktopResponse<'crisis.list'>> {
    return this.call('crisis mode', (c) => c.call(HUB_ROUTES.crisisList, {}));
  }

  startCrisis(req: DesktopRequest<'crisis.start'>): Promise<DesktopResponse<'crisis.start'>> {
    this.requireSupervisor('Crisis mode');
    return this.call('turning crisis mode on', (c) => c.call(HUB_ROUTES.startCrisis, { body: req }));
  }

  endCrisis(id: string): Promise<DesktopResponse<'crisis.end'>> {
    this.requireSupervisor('Crisis mode');
    return this.call('turning crisis mode off', (c) => c.call(HUB_ROUTES.endCrisis, { params: { id } }));
  }

  async insights(departmentId?: string): Promise<HubInsight[]> {
    return (await this.call('insights', (c) => c.call(HUB_ROUTES.insights, { query: departmentId ? { department_id: departmentId } : {} }))).insights;
  }

  async closeInsight(id: string, resolution: string): Promise<HubInsight> {
    return (await this.call('closing an insight', (c) => c.call(HUB_ROUTES.closeInsight, { params: { id }, body: { resolution } }))).insight;
  }

  async ruleNames(): Promise<Map<string, string>> {
    const { config } = await this.call('routing rules', (c) => c.call(HUB_ROUTES.routingConfig, {}));
    return new Map(config.rules.map((r) => [r.id, r.name]));
  }

  /**
   * One row the admin screens call (shared/contract/admin-call.ts): the body checked with the row's schema before it
   * leaves (a refusal names the field), the answer parsed with the row's response schema.
   */
  async admin(name: AdminCallName, input: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown }): Promise<unknown> {
    const route: HubRoute = ADMIN_CALL_ROUTES[name];
    let body: unknown;
    if (route.body) {
      const check = route.body.safeParse(input.body ?? {});
      if (!check.success) throw new CoreError('invalid', check.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
      body = input.body ?? {};
    }
    try { routePath(route, input.params); } catch (e) { throw new CoreError('invalid', (e as Error).message); }
    return this.call('administration', (c) => c.call(route, { params: input.params, query: input.query, body } as never));
  }


  /** Suggestions for a conversation this desktop has not cached: the hub ranks them the same way. */
  assistSuggestions(conversationId: string): Promise<DesktopResponse<'assist.suggest'>> {
    return this.call('suggestions for a conversation not on this desktop', (c) => c.call(HUB_ROUTES.assistSuggestions, { params: { id: conversationId } }));
  }

  /** The handover summary of a conversation this desktop has not cached. */
  assistSummary(conversationId: string): Promise<{ lines: DesktopResponse<'assist.summary'>['lines']; note: string }> {
    return this.call('the summary of a conversation not on this desktop', (c) => c.call(HUB_ROUTES.assistSummary, { params: { id: conversationId } }));
  }

  metricsMe(from: string, to: string): Promise<DesktopResponse<'metrics.me'>> {
    return this.call('your figures', (c) => c.call(HUB_ROUTES.metricsMe, { query: { from, to } }));
  }
}

/** The last `days` days up to today (UTC dates), as the hub's metrics take them. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: day(now - (days - 1) * 86_400_000), to: day(now) };
}
