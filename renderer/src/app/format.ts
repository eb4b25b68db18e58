/** Small display helpers: durations, one date format for the whole app, labels. */
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

// One date format everywhere: "14:05" today, "6 Dec, 14:05" this year, "6 Dec 2025" before.
// Use these, not toLocaleDateString/toLocaleTimeString or new Date(…).toLocaleString() on the spot.
// Formatters are costly to create (toLocaleTimeString builds one per call): make them once.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const WEEKDAY_TIME = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
let todayKey = '';
let todayStart = 0;
let todayUntil = 0;
let thisYear = 0;

function refreshToday(): void {
  const now = Date.now();
  if (now < todayUntil && now >= todayStart) return;
  const d = new Date(now);
  todayKey = DAY.format(d);
  thisYear = d.getFullYear();
  d.setHours(0, 0, 0, 0);
  todayStart = d.getTime();
  d.setHours(24, 0, 0, 0);
  todayUntil = d.getTime();
}

/** A moment: its time today, its day and time this year, its date before. */
export function clockTime(iso: string): string {
  refreshToday();
  const t = Date.parse(iso);
  const day = DAY.format(t);
  if (day === todayKey && t >= todayStart && t < todayUntil) return TIME.format(t);
  if (new Date(t).getFullYear() === thisYear) return `${day}, ${TIME.format(t)}`;
  return DATE.format(t);
}

/** A day: "6 Dec 2025" (customer since, past conversations). */
export const dateOnly = (iso: string): string => {
  refreshToday();
  const t = Date.parse(iso);
  return new Date(t).getFullYear() === thisYear ? DAY.format(t) : DATE.format(t);
};

/** A moment whose weekday matters (a due time against business hours): "Mon, 7 Dec, 14:05". */
export const weekdayTime = (ms: number): string => WEEKDAY_TIME.format(ms);

/** The key of a local day, for grouping messages by day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** A day separator in the thread: "Today", "Yesterday", or "Saturday, 5 December". */
export function dayLabel(iso: string): string {
  refreshToday();
  const t = Date.parse(iso);
  if (t >= todayStart && t < todayUntil) return 'Today';
  if (t >= todayStart - 86_400_000 && t < todayStart) return 'Yesterday';
  const d = new Date(t);
  return d.getFullYear() === thisYear ? WEEKDAY.format(d) : DATE.format(d);
}

export const CHANNEL_LABEL: Record<string, string> = {
  x: 'X', facebook: 'Facebook', instagram: 'Instagram', rss: 'Feed', reddit: 'Reddit', youtube: 'YouTube',
  review: 'Review', forum: 'Forum', email: 'E-mail', sandbox: 'Sandbox',
};

export function sentimentText(a: Conversation['analysis']): { label: string; tone: 'neg' | 'pos' | 'neu' } | null {
  const s = a?.sentiment;
  if (!s) return null;
  const tone = s.label.startsWith('neg') ? 'neg' : s.label.startsWith('pos') ? 'pos' : 'neu';
  const sign = s.score > 0 ? '+' : s.score < 0 ? '−' : '';
  return { label: `${s.label} ${sign}${Math.abs(s.score).toFixed(1)}`, tone };
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
