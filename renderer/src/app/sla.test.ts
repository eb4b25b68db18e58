import { describe, expect, it } from 'vitest';
import { slaClock, slaView } from './sla';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const at = (min: number) => new Date(NOW + min * 60_000).toISOString();
const base = { status: 'open' as const, first_response_at: null, first_response_due_at: null, next_response_due_at: null, resolution_due_at: null };

describe('slaClock: the clock the inbox sorts by (the earliest running due, as the core sla_key)', () => {
  it('takes the earliest of the running clocks', () => {
    expect(slaClock({ ...base, first_response_due_at: at(30), resolution_due_at: at(10) })).toEqual({ clock: 'resolution', due: at(10) });
    expect(slaClock({ ...base, first_response_at: at(-60), first_response_due_at: at(-90), next_response_due_at: at(5), resolution_due_at: at(50) })).toEqual({ clock: 'next_response', due: at(5) });
  });
  it('ignores the first-reply clock once someone answered', () => {
    expect(slaClock({ ...base, first_response_at: at(-5), first_response_due_at: at(-100), resolution_due_at: at(100) })).toEqual({ clock: 'resolution', due: at(100) });
  });
  it('has no clock when resolved, snoozed, or without SLA', () => {
    expect(slaClock({ ...base, status: 'resolved', first_response_due_at: at(1) })).toBeNull();
    expect(slaClock({ ...base, status: 'snoozed', first_response_due_at: at(1) })).toBeNull();
    expect(slaClock(base)).toBeNull();
  });
  it('is calm, then amber within 15 minutes, then red with the time since the breach', () => {
    expect(slaView({ ...base, first_response_due_at: at(16) }, NOW)).toMatchObject({ state: 'calm', text: '16m', label: 'first reply due in 16m' });
    expect(slaView({ ...base, first_response_due_at: at(14) }, NOW)).toMatchObject({ state: 'warning' });
    expect(slaView({ ...base, first_response_due_at: at(-4) }, NOW)).toMatchObject({ state: 'breached', text: '−4m', label: 'first reply SLA breached 4m ago' });
  });
});
