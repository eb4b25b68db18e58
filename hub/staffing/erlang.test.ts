import { describe, expect, it } from 'vitest';
import { erlangC, requiredAgents, serviceLevelOf } from './erlang';

const PHONE = { intervalSec: 1800, ahtSec: 180, targetSec: 20, serviceLevel: 0.8, maxOccupancy: 0.85, shrinkage: 0.3, concurrency: 1 };

describe('Erlang C staffing', () => {
  it('gives the textbook probabilities of waiting for 10 Erlangs', () => {
    // 100 calls in 30 minutes at 3 minutes each: the usual worked example
    expect(erlangC(10, 11)).toBeCloseTo(0.6821, 4);
    expect(erlangC(10, 12)).toBeCloseTo(0.4494, 4);
    expect(erlangC(10, 13)).toBeCloseTo(0.2853, 4);
    expect(erlangC(10, 10)).toBe(1);
    expect(serviceLevelOf(10, 13, 180, 20)).toBeCloseTo(1 - 0.2853 * Math.exp(-3 * 20 / 180), 3);
  });

  it('staffs the fewest agents that meet the SLA, then adds shrinkage', () => {
    // 13 agents answer 79.6 % within 20 s: short of 80 %, so 14
    expect(requiredAgents({ volume: 100, ...PHONE })).toEqual({ agents: 14, scheduled: 20, traffic: 10, service_level: 0.888, occupancy: 0.714 });
  });

  it('caps occupancy: a lax SLA still does not run agents above the cap', () => {
    const lax = requiredAgents({ volume: 100, ...PHONE, targetSec: 3600, serviceLevel: 0.5, maxOccupancy: 0.7 });
    expect(lax.agents).toBe(15);
    expect(lax.occupancy).toBeLessThanOrEqual(0.7);
  });

  it('an agent on three conversations at once is three servers; nothing expected needs no one', () => {
    const social = requiredAgents({ volume: 300, ...PHONE, concurrency: 3 });
    expect(social.traffic).toBe(10);
    expect(social.agents).toBe(14);
    expect(requiredAgents({ volume: 0, ...PHONE })).toMatchObject({ agents: 0, scheduled: 0 });
  });

  it('refuses settings that mean nothing', () => {
    expect(() => requiredAgents({ volume: -1, ...PHONE })).toThrow(/volume must be a number ≥ 0/);
    expect(() => requiredAgents({ volume: 10, ...PHONE, shrinkage: 1 })).toThrow(/shrinkage < 1/);
    expect(() => requiredAgents({ volume: 10, ...PHONE, concurrency: 0 })).toThrow(/concurrency ≥ 1/);
  });
});
