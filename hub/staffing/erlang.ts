/**
 * Required agents per interval (issue 15, staffing): Erlang C over the forecast volume, the measured
 * handle time and the SLA target, with occupancy and shrinkage limits.
 *
 * Social care differs from a phone queue in one way that matters here: an agent works several
 * conversations at once. `concurrency` divides the offered load (an agent at 3 is three servers).
 */

export interface StaffingInput {
  /** conversations expected in the interval */
  volume: number;
  /** length of the interval, seconds (900 for 15 minutes) */
  intervalSec: number;
  /** average handle time of one conversation, seconds */
  ahtSec: number;
  /** the SLA target: answered within this many seconds… */
  targetSec: number;
  /** …for this share of conversations (0.8 = 80 %) */
  serviceLevel: number;
  /** the highest share of time agents are busy before they burn out (0.85) */
  maxOccupancy: number;
  /** the share of paid time not on the floor: breaks, training, meetings (0.3) */
  shrinkage: number;
  /** conversations one agent handles at once (1 for calls; 2–4 on social) */
  concurrency: number;
}

export interface StaffingNeed {
  /** agents on the floor the interval needs (Erlang C, then the occupancy cap) */
  agents: number;
  /** agents to schedule: on the floor ÷ (1 − shrinkage) */
  scheduled: number;
  /** offered load in Erlangs (per agent-server) */
  traffic: number;
  /** the service level those agents give, and how busy they are */
  service_level: number;
  occupancy: number;
}

/** The probability that a contact waits (Erlang C), for `traffic` Erlangs on `agents` servers. 1 when agents ≤ traffic. */
export function erlangC(traffic: number, agents: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  // Erlang B by its recurrence (stable for large N), then C from B
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (traffic * b) / (n + traffic * b);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** The share of contacts answered within `targetSec` with `agents` servers. */
export function serviceLevelOf(traffic: number, agents: number, ahtSec: number, targetSec: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(traffic, agents) * Math.exp((-(agents - traffic) * targetSec) / ahtSec);
}

/** The fewest agents that meet the service level and the occupancy cap (0 when nothing is expected). */
export function requiredAgents(x: StaffingInput): StaffingNeed {
  for (const [k, v] of Object.entries(x)) if (!Number.isFinite(v) || v < 0) throw new Error(`staffing: ${k} must be a number ≥ 0, got ${v}`);
  if (x.intervalSec <= 0 || x.ahtSec <= 0 || x.concurrency < 1) throw new Error('staffing: intervalSec and ahtSec must be > 0 and concurrency ≥ 1');
  if (x.serviceLevel > 1 || x.maxOccupancy > 1 || x.maxOccupancy === 0 || x.shrinkage >= 1) throw new Error('staffing: serviceLevel ≤ 1, 0 < maxOccupancy ≤ 1 and shrinkage < 1');
  const traffic = (x.volume * x.ahtSec) / x.intervalSec / x.concurrency;
  if (traffic === 0) return { agents: 0, scheduled: 0, traffic: 0, service_level: 1, occupancy: 0 };
  let servers = Math.max(1, Math.ceil(traffic / x.maxOccupancy));
  while (serviceLevelOf(traffic, servers, x.ahtSec, x.targetSec) < x.serviceLevel) servers++;
  return {
    agents: servers,
    scheduled: Math.ceil(servers / (1 - x.shrinkage)),
    traffic: Math.round(traffic * 1000) / 1000,
    service_level: Math.round(serviceLevelOf(traffic, servers, x.ahtSec, x.targetSec) * 1000) / 1000,
    occupancy: Math.round((traffic / servers) * 1000) / 1000,
  };
}
