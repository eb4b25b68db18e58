/**
 * A working day on a fake clock: 50 agents with shifts, breaks, an unplanned absence, pull-mode
 * agents, rejects and unanswered offers; 5,000 conversations. After every step the engine's
 * invariants are checked, and the event stream is checked independently (offers one at a time,
 * loads within capacity).
 */
import { describe, expect, it } from 'vitest';
import type { Channel, Priority } from '../../shared/domain';
import { RoutingEngine, capacityOf, type RoutingEvent } from './engine';
import { RoutingError } from './errors';
import { careConfig } from '../../testing/hub/routing-fixtures';
import type { RoutingAgentInput } from './schemas';
import { TimerHeap } from './structures';
import { mulberry32 as rng } from '../../shared/random';


const H = 3600_000, M = 60_000, S = 1000;
const DAY = Date.parse('2026-03-03T00:00:00Z'); // a Tuesday

function pick<T>(r: () => number, items: Array<[T, number]>): T {
  let x = r() * items.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of items) if ((x -= w) < 0) return v;
  return items[items.length - 1][0];
}

describe('routing simulation', () => {
  it('50 agents, 5,000 conversations over a working day: invariants hold at every step', () => {
    const r = rng(20261127);
    let now = DAY + 6 * H;
    const e = new RoutingEngine({ config: careConfig(), now: () => now });
    const sim = new TimerHeap();
    const actions = new Map<string, () => void>();
    let actionSeq = 0;
    const at = (t: number, fn: () => void) => { const id = String(++actionSeq); actions.set(id, fn); sim.push(t, 'sim', id, 0); };

    // ---- agents
    const agents: RoutingAgentInput[] = [];
    for (let i = 0; i < 50; i++) {
      const kind = i < 28 ? 'en' : i < 38 ? 'es' : i < 43 ? 'vip' : i < 45 ? 'sup' : 'pull';
      const a: RoutingAgentInput = {
        id: `a${i}`, name: `Agent ${i}`, role: kind === 'sup' ? 'supervisor' : 'agent',
        team_ids: kind === 'es' ? ['care-es', 'care-en'] : kind === 'vip' || kind === 'sup' ? ['care-en', 'vip'] : ['care-en'],
        skills: { 'language:en': 3 + Math.floor(r() * 7), ...(kind === 'es' ? { 'language:es': 5 + Math.floor(r() * 5) } : {}), ...(kind === 'vip' || kind === 'sup' ? { 'tier:vip': 5 } : {}) },
        capacity: { x: 2 + Math.floor(r() * 3), facebook: 1 + Math.floor(r() * 2), '*': 2 },
      };
      agents.push(a);
      e.upsertAgent(a);
    }
    e.upsertAgent({ id: 'pq', team_ids: ['product-quality'] });
    const capOf = new Map(agents.map((a) => [a.id, a]));

    // ---- shifts, breaks, one unplanned absence each for a few agents
    const onShift = new Set<string>();
    agents.forEach((a, i) => {
      const start = DAY + (i % 3 === 0 ? 7 : i % 3 === 1 ? 8 : 10) * H + Math.floor(r() * 20) * M;
      const end = start + 8 * H + (i % 5 === 0 ? 2 * H : 0);
      const mode = a.id >= 'a45' && a.id.length === 3 ? 'busy' : 'available'; // pull-mode agents work while "Busy"
      at(start, () => { onShift.add(a.id); e.setPresence(a.id, mode); });
      for (const [off, len, act] of [[2 * H, 15 * M, 'break'], [4 * H, 30 * M, 'break'], [6 * H, 15 * M, 'training']] as const) {
        const b = start + off + Math.floor(r() * 40 - 20) * M;
        at(b, () => e.setPresence(a.id, act));
        at(b + len, () => e.setPresence(a.id, mode));
      }
      if (i % 7 === 3) { // connection lost: Offline sends their conversations back to routing
        const o = start + 3 * H + Math.floor(r() * 60) * M;
        at(o, () => e.setPresence(a.id, 'offline'));
        at(o + 20 * M, () => e.setPresence(a.id, mode));
      }
      at(end, () => { onShift.delete(a.id); e.endShift(a.id); });
    });

    // ---- pull-mode agents take work every 2 minutes while on shift
    for (const a of agents.filter((x) => x.id >= 'a45' && x.id.length === 3)) {
      for (let t = DAY + 7 * H; t < DAY + 20 * H; t += 2 * M) {
        at(t + Math.floor(r() * 30) * S, () => {
          if (!onShift.has(a.id) || e.agentView(a.id).activity_id !== 'busy') return;
          const got = e.pull(a.id);
          if (got) stats.pulls++;
        });
      }
    }

    // ---- conversations
    const N = 5000;
    const meta = new Map<string, { channel: Channel; language: string }>();
    for (let i = 0; i < N; i++) {
      const t = DAY + 7 * H + Math.floor(r() * 9.5 * H);
      const defect = r() < 0.03;
      const conv = {
        id: `c${i}`, channel: pick<Channel>(r, [['x', 50], ['facebook', 30], ['instagram', 10], ['review', 10]]),
        priority: pick<Priority>(r, [['urgent', 2], ['high', 10], ['normal', 70], ['low', 18]]),
        language: pick(r, [['en', 79], ['es', 20], ['pl', 1]]), customer_tier: r() < 0.05 ? 'vip' : null,
        intent: defect ? 'feedback' : 'question', topic: defect ? 'product defect' : 'delivery', text: 'my order',
      };
      meta.set(conv.id, { channel: conv.channel, language: conv.language });
      at(t, () => e.upsertConversation({ ...conv, created_at: now }));
    }

    // ---- agent behaviour, driven by the engine's events; loads and offers re-derived independently
    const stats = { offers: 0, accepts: 0, rejects: 0, timeouts: 0, withdrawn: 0, requeued: 0, pulls: 0, breaches: 0, warnings: 0, insights: 0, closed: 0, staleRefusals: 0, steps: 0, overflowed: 0, paused: 0 };
    // A paused clock (pending: waiting on the customer) never warns or breaches; checked as the event is raised.
    e.onEvent = (ev) => {
      if ((ev.type === 'sla.warning' || ev.type === 'sla.breach') && ev.kind !== 'first_response') {
        expect(e.conversationView(ev.conversation_id).sla_paused_since, `${ev.type} ${ev.kind} of ${ev.conversation_id} while paused`).toBeNull();
      }
    };
    const assignment = new Map<string, number>(); // conversation → assignment token (stale actions are dropped)
    const pendingOffer = new Map<string, string>(); // conversation → agent
    const agentOffer = new Map<string, string>(); // agent → conversation
    const holder = new Map<string, string>(); // conversation → agent holding it
    const load = new Map<string, number>(); // `${agent}/${channel}` → open conversations
    const bump = (agent: string, conv: string, d: number) => {
      const ch = meta.get(conv)!.channel;
      const k = `${agent}/${ch}`;
      const n = (load.get(k) ?? 0) + d;
      load.set(k, n);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n, `${k} above capacity`).toBeLessThanOrEqual(capacityOf({ capacity: capOf.get(agent)!.capacity ?? {} } as never, ch));
    };
    const release = (conv: string) => {
      const a = holder.get(conv);
      if (a) { bump(a, conv, -1); holder.delete(conv); }
      assignment.set(conv, (assignment.get(conv) ?? 0) + 1);
    };
    const tryAct = (fn: () => void) => {
      try { fn(); } catch (err) {
        if (!(err instanceof RoutingError) || !['no_offer', 'offer_expired'].includes(err.code)) throw err;
        stats.staleRefusals++;
      }
    };

    const handle = (ev: RoutingEvent) => {
      switch (ev.type) {
        case 'offer.created': {
          stats.offers++;
          const { conversation_id: c, agent_id: a, id } = ev.offer;
          expect(pendingOffer.has(c), `${c} offered twice`).toBe(false);
          expect(agentOffer.has(a), `${a} holds two offers`).toBe(false);
          pendingOffer.set(c, a);
          agentOffer.set(a, c);
          const x = r();
          if (x < 0.08) at(now + (2 + Math.floor(r() * 10)) * S, () => tryAct(() => e.reject(c, a, id)));
          else if (x >= 0.16) at(now + (2 + Math.floor(r() * 40)) * S, () => tryAct(() => e.accept(c, a, id)));
          // else: the agent does not answer; the offer times out after 60 s
          break;
        }
        case 'offer.accepted': case 'offer.rejected': case 'offer.expired': case 'offer.withdrawn':
          if (ev.type === 'offer.accepted') stats.accepts++;
          if (ev.type === 'offer.rejected') stats.rejects++;
          if (ev.type === 'offer.expired') stats.timeouts++;
          if (ev.type === 'offer.withdrawn') stats.withdrawn++;
          expect(pendingOffer.get(ev.offer.conversation_id)).toBe(ev.offer.agent_id);
          pendingOffer.delete(ev.offer.conversation_id);
          agentOffer.delete(ev.offer.agent_id);
          break;
        case 'conversation.assigned': {
          const c = ev.conversation_id, a = ev.agent_id;
          release(c);
          holder.set(c, a);
          bump(a, c, +1);
          const token = assignment.get(c)!;
          const live = () => assignment.get(c) === token;
          let t = now + (1 + Math.floor(r() * 4)) * M;
          at(t, () => { if (live()) e.agentReplied(c, a); });
          // the agent asked the customer something: pending until they write (or it is resolved);
          // some never answer today, so their conversation waits pending (its resolution clock paused) for hours
          const asks = r() < 0.25;
          const silent = asks && r() < 0.1;
          if (asks) at(t + 30 * S, () => { if (live() && e.conversationView(c).status === 'open') { e.setStatus(c, 'pending'); stats.paused++; } });
          if (!silent && r() < 0.3) {
            t += (2 + Math.floor(r() * 8)) * M;
            at(t, () => { if (live()) e.customerMessage(c); });
            t += (1 + Math.floor(r() * 4)) * M;
            at(t, () => { if (live()) e.agentReplied(c, a); });
          }
          at(t + (silent ? 4 * H : (2 + Math.floor(r() * 15)) * M), () => { if (live()) e.setStatus(c, 'resolved'); });
          break;
        }
        case 'conversation.requeued': stats.requeued++; release(ev.conversation_id); break;
        case 'conversation.closed': stats.closed++; release(ev.conversation_id); break;
        case 'conversation.overflowed': stats.overflowed++; break;
        case 'sla.breach': stats.breaches++; break;
        case 'sla.warning': stats.warnings++; break;
        case 'insight.created': stats.insights++; at(now + 2 * H, () => e.closeInsight(ev.insight.id, 'pq', 'logged with the supplier')); break;
        default: break;
      }
    };

    const END = DAY + 21 * H;
    for (;;) {
      const simNext = sim.peek()?.at ?? Infinity;
      const engNext = e.nextTimerAt() ?? Infinity;
      const next = Math.min(simNext, engNext);
      if (next === Infinity || next > END) break;
      now = Math.max(now, next);
      e.tick();
      if (simNext <= now) {
        const t = sim.pop()!;
        actions.get(t.id)!();
        actions.delete(t.id);
      }
      for (const ev of e.drainEvents()) handle(ev);
      stats.steps++;
      const problems = e.checkInvariants();
      if (problems.length) throw new Error(`at ${new Date(now).toISOString()}: ${problems.slice(0, 5).join('; ')}`);
    }

    // Every behaviour the simulation is meant to exercise happened.
    for (const k of ['offers', 'accepts', 'rejects', 'timeouts', 'withdrawn', 'requeued', 'pulls', 'breaches', 'warnings', 'insights', 'overflowed', 'paused'] as const) expect(stats[k], k).toBeGreaterThan(0);
    expect(stats.offers).toBe(stats.accepts + stats.rejects + stats.timeouts + stats.withdrawn + pendingOffer.size);
    // Everyone who could be served was: only Polish posts (no agent speaks Polish) are left waiting.
    const left = [...Array(N).keys()].map((i) => e.conversationView(`c${i}`)).filter((v) => v.state !== 'closed' && v.state !== 'insight');
    expect(left.length).toBeGreaterThan(0);
    // (and conversations waiting on the customer, pending, which routing leaves parked until they write)
    for (const v of left) expect(`${v.id}:${v.state}:${v.status === 'pending' ? 'pending' : meta.get(v.id)!.language}`).toMatch(/:queued:pl$|:parked:pending$/);
    expect(e.listInsights().filter((i) => i.status === 'closed').length).toBe(stats.insights);
    console.log(JSON.stringify({ simulation: stats, left: left.length }));
  });
});
