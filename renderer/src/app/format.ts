/** Small display helpers: times, SLA state, labels. */
import type { Conversation } from '../../../shared/domain';

export function shortDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

export type SlaState = 'none' | 'calm' | 'warning' | 'breached';
/** Amber from this close to the due time. */
export const SLA_WARNING_MS = 15 * 60_000;

export function slaDue(c: Pick<Conversation, 'status' | 'first_response_at' | 'first_response_due_at' | 'next_response_due_at' | 'resolution_due_at'>): string | null {
  if (c.status === 'resolved' || c.status === 'snoozed') return null;
  return (c.first_response_at ? c.next_response_due_at : c.first_response_due_at) ?? c.resolution_due_at ?? null;
}

export function slaState(due: string | null, now: number): { state: SlaState; text: string; label: string } {
  if (!due) return { state: 'none', text: '', label: 'no SLA running' };
  const left = Date.parse(due) - now;
  if (left < 0) return { state: 'breached', text: `−${shortDuration(left)}`, label: `SLA breached ${shortDuration(left)} ago` };
  return { state: left < SLA_WARNING_MS ? 'warning' : 'calm', text: shortDuration(left), label: `SLA due in ${shortDuration(left)}` };
}

// Formatters are costly to create (toLocaleTimeString builds one per call): make them once.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
let todayKey = '';
let todayUntil = 0;

export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  const now = Date.now();
  if (now >= todayUntil) {
    const d = new Date(now);
    todayKey = DAY.format(d);
    d.setHours(24, 0, 0, 0);
    todayUntil = d.getTime();
  }
  const day = DAY.format(t);
  return day === todayKey ? TIME.format(t) : `${day} ${TIME.format(t)}`;
}

export const CHANNEL_LABEL: Record<string, string> = {
  x: 'X', facebook: 'Facebook', instagram: 'Instagram', rss: 'RSS', reddit: 'Reddit', youtube: 'YouTube',
  review: 'Review', forum: 'Forum', email: 'E-mail', sandbox: 'Sandbox',
};
export const CHANNEL_SHORT: Record<string, string> = {
  x: 'X', facebook: 'FB', instagram: 'IG', rss: 'RSS', reddit: 'RD', youtube: 'YT', review: 'RV', forum: 'FO', email: '@', sandbox: 'SB',
};

export function sentimentText(a: Conversation['analysis']): { label: string; tone: 'neg' | 'pos' | 'neu' } | null {
  const s = a?.sentiment;
  if (!s) return null;
  const tone = s.label.startsWith('neg') ? 'neg' : s.label.startsWith('pos') ? 'pos' : 'neu';
  const sign = s.score > 0 ? '+' : s.score < 0 ? '−' : '';
  return { label: `${s.label} ${sign}${Math.abs(s.score).toFixed(1)}`, tone };
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
