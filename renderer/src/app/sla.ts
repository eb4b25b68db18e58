/**
 * The SLA clock a row shows is the one the inbox sorts by: the earliest due time still running
 * among first reply (until someone answered), next reply and resolution, as the core's sla_key
 * (main/core/sync/scope.ts). The chip says which clock it is.
 */
import type { Conversation } from '../../../shared/domain';
import { shortDuration } from './format';

export type SlaClock = 'first_response' | 'next_response' | 'resolution';
export type SlaState = 'none' | 'calm' | 'warning' | 'breached';
/** Amber from this close to the due time. */
export const SLA_WARNING_MS = 15 * 60_000;

export const CLOCK_NAME: Record<SlaClock, string> = { first_response: 'first reply', next_response: 'next reply', resolution: 'resolve' };
/** Short, for the chip: "1st", "next", "res". */
export const CLOCK_SHORT: Record<SlaClock, string> = { first_response: '1st', next_response: 'next', resolution: 'res' };

type Dues = Pick<Conversation, 'status' | 'first_response_at' | 'first_response_due_at' | 'next_response_due_at' | 'resolution_due_at'>;

/** The running clock that falls due first, or null (resolved, snoozed, or no SLA). */
export function slaClock(c: Dues): { clock: SlaClock; due: string } | null {
  if (c.status === 'resolved' || c.status === 'snoozed') return null;
  const running: Array<[SlaClock, string | null]> = [
    ['first_response', c.first_response_at === null ? c.first_response_due_at : null],
    ['next_response', c.next_response_due_at],
    ['resolution', c.resolution_due_at],
  ];
  let best: { clock: SlaClock; due: string; at: number } | null = null;
  for (const [clock, due] of running) {
    if (!due) continue;
    const at = Date.parse(due);
    if (Number.isNaN(at)) continue;
    if (!best || at < best.at) best = { clock, due, at };
  }
  return best && { clock: best.clock, due: best.due };
}

export interface SlaView { state: SlaState; clock: SlaClock | null; text: string; label: string }

export function slaView(c: Dues, now: number): SlaView {
  const running = slaClock(c);
  if (!running) return { state: 'none', clock: null, text: '', label: 'no SLA running' };
  const left = Date.parse(running.due) - now;
  const name = CLOCK_NAME[running.clock];
  if (left < 0) return { state: 'breached', clock: running.clock, text: `−${shortDuration(left)}`, label: `${name} SLA breached ${shortDuration(left)} ago` };
  return { state: left < SLA_WARNING_MS ? 'warning' : 'calm', clock: running.clock, text: shortDuration(left), label: `${name} due in ${shortDuration(left)}` };
}
