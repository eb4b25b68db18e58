/**
 * Routing decision latency with 500 agents and 20,000 open conversations (target p99 < 5 ms).
 * Prints JSON lines. Run: npm run bench:routing
 *
 * Measured decisions (each is one engine call including the offer it makes):
 *  - route_new: an inbound conversation runs the rules, enters a queue and is offered to the best free agent
 *    (or waits, when all are busy);
 *  - agent_freed: a resolve frees capacity and the agent is offered the next waiting conversation out of
 *    ~15,000 waiting ones (the heavy path: scans the queue in SLA order for one the agent can take);
 *  - accept / reject / timeout of an offer.
 */
import { performance } from 'node:perf_hooks';
import { RoutingEngine } from '../hub/routing/engine';
import { careConfig } from '../testing/hub/routing-fixtures';
import { runRoutingE2E } from './routing-e2e';
import { mulberry32 as rng } from '../shared/random';


function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
function line(name: string, xs: number[], extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'routing', metric: name, n: xs.length, p50_ms: +pct(xs, 50).toFixed(4), p99_ms: +pct(xs, 99).toFixed(4), max_ms: +Math.max(...xs).toFixed(4), ...extra }));
}

const r = rng(42);
let now = Date.parse('2026-03-03T08:00:00Z');
const e = new RoutingEngine({ config: careConfig(), now: () => now });
const AGENTS = 500, OPEN = 20_000;
const langs = ['en', 'en', 'en', 'es'];
for (let i = 0; i < AGENTS; i++) {
  const es = i % 4 === 0;
  e.upsertAgent({
    id: `a${i}`, team_ids: es ? ['care-es', 'care-en'] : i % 10 === 1 ? ['care-en', 'vip'] : ['care-en'],
    skills: { 'language:en': 1 + (i % 9), ...(es ? { 'language:es': 1 + (i % 7) } : {}), ...(i % 10 === 1 ? { 'tier:vip': 5 } : {}) },
    capacity: { x: 4, facebook: 3, instagram: 2, review: 1 },
  });
}
const channels = ['x', 'x', 'facebook', 'instagram', 'review'] as const;
const newConv = (i: number) => ({
  id: `c${i}`, channel: channels[Math.floor(r() * channels.length)], language: langs[Math.floor(r() * langs.length)],
  priority: (['low', 'normal', 'normal', 'high', 'urgent'] as const)[Math.floor(r() * 5)], customer_tier: r() < 0.05 ? 'vip' : null,
  followers: Math.floor(r() * 50_000), text: r() < 0.1 ? 'I want a refund for the broken item' : 'where is my order',
  created_at: now,
});

// Fill: agents available, 20,000 open conversations (those offered are accepted until agents are full).
for (let i = 0; i < AGENTS; i++) e.setPresence(`a${i}`, 'available');
const t0 = performance.now();
for (let i = 0; i < OPEN; i++) {
  now += 50;
  e.upsertConversation(newConv(i));
  const v = e.conversationView(`c${i}`);
  if (v.offer) e.accept(v.id, v.offer.agent_id);
}
e.drainEvents();
const fillMs = performance.now() - t0;
const depth = Object.values(e.queueDepths()).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ bench: 'routing', metric: 'setup', agents: AGENTS, open_conversations: OPEN, waiting: depth, assigned: OPEN - depth, fill_ms: Math.round(fillMs) }));

// Warm-up then measure.
const routeNew: number[] = [], freed: number[] = [], accept: number[] = [], reject: number[] = [];
let next = OPEN;
const assignedOf = (a: string) => e.agentView(a).assigned;
/** Accept every offer still pending (untimed): keeps the floor full between measured decisions. */
const settle = (eng: RoutingEngine) => {
  for (let evs = eng.drainEvents(); evs.length; evs = eng.drainEvents()) {
    for (const ev of evs) {
      if (ev.type !== 'offer.created') continue;
      const o = eng.conversationView(ev.offer.conversation_id).offer;
      if (o && o.id === ev.offer.id) eng.accept(o.conversation_id, o.agent_id, o.id);
    }
  }
};
for (let round = 0; round < 3000; round++) {
  now += 200;
  // an inbound conversation arrives (all agents busy: it is ruled and queued)
  let t = performance.now();
  e.upsertConversation(newConv(next++));
  routeNew.push(performance.now() - t);
  settle(e);
  // an agent resolves one conversation → offered the next waiting one it can take
  const agent = `a${Math.floor(r() * AGENTS)}`;
  const mine = assignedOf(agent);
  if (mine.length === 0) continue;
  t = performance.now();
  e.setStatus(mine[Math.floor(r() * mine.length)], 'resolved');
  freed.push(performance.now() - t);
  const offer = e.agentView(agent).offer;
  e.drainEvents();
  if (!offer) { settle(e); continue; }
  if (round % 5 === 0) {
    t = performance.now();
    e.reject(offer.conversation_id, agent, offer.id); // re-offered to the next free agent, if any
    reject.push(performance.now() - t);
  } else {
    t = performance.now();
    e.accept(offer.conversation_id, agent, offer.id);
    accept.push(performance.now() - t);
  }
  settle(e);
  if (round === 200) { routeNew.length = 0; freed.length = 0; accept.length = 0; reject.length = 0; } // drop warm-up
}
// Agent-surplus path: a conversation arriving while many agents are free (scan and rank 500 agents).
const offerFree: number[] = [];
for (let i = 0; i < AGENTS; i++) e.setPresence(`a${i}`, 'busy');
const e2 = new RoutingEngine({ config: careConfig(), now: () => now });
for (let i = 0; i < AGENTS; i++) {
  e2.upsertAgent({ id: `b${i}`, team_ids: ['care-en', 'care-es'], skills: { 'language:en': 1 + (i % 9), 'language:es': 1 + (i % 5) }, capacity: { '*': 1000 } });
  e2.setPresence(`b${i}`, 'available');
}
for (let i = 0; i < 3000; i++) {
  now += 10;
  const t = performance.now();
  e2.upsertConversation({ id: `f${i}`, channel: 'x', language: 'en', created_at: now });
  offerFree.push(performance.now() - t);
  const o = e2.conversationView(`f${i}`).offer!;
  e2.accept(o.conversation_id, o.agent_id);
  e2.drainEvents();
}
offerFree.splice(0, 200);

const waiting = Object.values(e.queueDepths()).reduce((a, b) => a + b, 0);
line('route_new_conversation_all_busy', routeNew, { waiting });
line('agent_freed_offer_next_of_waiting', freed, { waiting });
line('offer_accept', accept);
line('offer_reject_and_reoffer', reject);
line('route_new_conversation_500_free_agents', offerFree);
const all = [...routeNew, ...freed, ...accept, ...reject, ...offerFree];
line('routing_decision_all', all, { target_p99_ms: 5, agents: AGENTS, open_conversations: OPEN });

// End to end over a real hub (PGlite, or DATABASE_URL): the hub's own ingest without routing first, as the
// ceiling, then inbound post → offer on one of 200 desktops at the target rate and at a rate the ingest sustains.
if (!process.argv.includes('--no-e2e')) {
  await runRoutingE2E({ routing: false, rate: 200, seconds: 5 });
  await runRoutingE2E({ rate: 200, seconds: 10 });
  await runRoutingE2E({ rate: 50, seconds: 10 });
}
