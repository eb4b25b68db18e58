/**
 * What an admin types on the SLA screen, read and written back: durations ("1h 30m", "2d", "45m")
 * and a day's opening hours ("09:00-12:30, 13:30-17:00", empty = closed).
 */
import type { AdminCalendar, Weekday } from '../../../../shared/contract/routing';

const UNIT: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** "1h 30m" → 5400 seconds; empty → null (no target); or why not. */
export function parseDuration(text: string): { value: number | null } | { error: string } {
  const t = text.trim().toLowerCase();
  if (!t) return { value: null };
  let total = 0;
  let rest = t;
  for (;;) {
    const m = /^(\d+(?:\.\d+)?)\s*(d|h|m|s)\b\s*/.exec(rest);
    if (!m) break;
    total += Number(m[1]) * UNIT[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  if (rest || total === 0) return { error: `"${text.trim()}": write a time such as 30m, 1h 30m or 2d` };
  if (total > 365 * 86_400) return { error: `"${text.trim()}": at most a year` };
  return { value: Math.round(total) };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const parts: string[] = [];
  let s = seconds;
  for (const [u, n] of Object.entries(UNIT)) {
    if (s >= n) { parts.push(`${Math.floor(s / n)}${u}`); s %= n; }
  }
  return parts.join(' ');
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$/;
const pad = (t: string) => (t.length === 4 ? `0${t}` : t);

/** "09:00-17:00, 18:00-20:00" → windows; empty → closed that day; or why not. */
export function parseWindows(text: string): { value: Array<[string, string]> } | { error: string } {
  const out: Array<[string, string]> = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\S+)\s*(?:-|–|to)\s*(\S+)$/.exec(part);
    if (!m || !TIME.test(m[1]!) || !TIME.test(m[2]!)) return { error: `"${part}": write opening hours such as 09:00-17:00` };
    const [a, b] = [pad(m[1]!), pad(m[2]!)];
    if (a >= b) return { error: `"${part}": the end comes after the start` };
    out.push([a, b]);
  }
  return { value: out };
}

export const formatWindows = (w: Array<[string, string]> | undefined): string => (w ?? []).map(([a, b]) => `${a}-${b}`).join(', ');

/** A one-line summary of a calendar's week: "Mon–Fri 09:00-17:00 · Sat 10:00-14:00". */
export function weekSummary(cal: Pick<AdminCalendar, 'hours'>, days: readonly Weekday[]): string {
  const groups: Array<{ from: Weekday; to: Weekday; text: string }> = [];
  for (const d of days) {
    const text = formatWindows(cal.hours[d]);
    const last = groups.at(-1);
    if (last && last.text === text) last.to = d;
    else groups.push({ from: d, to: d, text });
  }
  const name = (d: Weekday) => d[0]!.toUpperCase() + d.slice(1);
  const open = groups.filter((g) => g.text);
  if (!open.length) return 'closed every day';
  return open.map((g) => `${name(g.from)}${g.to !== g.from ? `–${name(g.to)}` : ''} ${g.text}`).join(' · ');
}

/** Dates typed one a line (or separated by commas): YYYY-MM-DD, sorted, without repeats; or why not. */
export function parseDates(text: string): { value: string[] } | { error: string } {
  const out = new Set<string>();
  for (const part of text.split(/[\n,;]/).map((p) => p.trim()).filter(Boolean)) {
    const d = part.split(/\s+/)[0]!;
    const t = Date.parse(`${d}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== d) return { error: `"${part}": write a date as YYYY-MM-DD` };
    out.add(d);
  }
  return { value: [...out].sort() };
}
