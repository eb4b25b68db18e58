/**
 * Holidays from an iCalendar (.ics, RFC 5545) file, as public-holiday calendars publish them
 * (Google, Outlook, government sites): each VEVENT's days, by DTSTART and DTEND (exclusive) or
 * DURATION, as local dates YYYY-MM-DD. A yearly rule (RRULE:FREQ=YEARLY) is repeated up to
 * `untilYear` (COUNT and UNTIL honoured); other rules are reported, not guessed. Timed events
 * count by their start's date as written (holidays are all-day events in practice).
 */

export interface IcsHolidays {
  /** sorted, without repeats */
  dates: string[];
  /** what the file held that was not read, one line each (an event without a date, a rule other than yearly…) */
  skipped: string[];
}

/** Unfolds continuation lines (a line starting with a space or tab continues the previous one). */
function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\n[ \t]/g, '').split('\n');
}

/** "DTSTART;VALUE=DATE:20261225" → { name: 'DTSTART', params: { VALUE: 'DATE' }, value: '20261225' } */
function property(line: string): { name: string; params: Record<string, string>; value: string } | null {
  const colon = line.indexOf(':');
  if (colon < 0) return null;
  const [name, ...params] = line.slice(0, colon).split(';');
  return {
    name: name!.toUpperCase(),
    params: Object.fromEntries(params.map((p) => { const [k, v = ''] = p.split('='); return [k!.toUpperCase(), v]; })),
    value: line.slice(colon + 1).trim(),
  };
}

/** An iCalendar DATE or DATE-TIME as a UTC-midnight day number (days since 1970-01-01), or null. */
function dayOf(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / 86_400_000;
}

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Whole days of an RFC 5545 DURATION such as P1D, P2W or PT24H (at least one). */
function durationDays(value: string): number | null {
  const m = /^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!m) return null;
  const hours = Number(m[1] ?? 0) * 7 * 24 + Number(m[2] ?? 0) * 24 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60;
  return Math.max(1, Math.ceil(hours / 24));
}

export function parseIcsHolidays(text: string, untilYear: number = new Date().getUTCFullYear() + 2): IcsHolidays {
  const dates = new Set<string>();
  const skipped: string[] = [];
  let event: Array<{ name: string; params: Record<string, string>; value: string }> | null = null;
  let sawCalendar = false;
  for (const raw of lines(text)) {
    const line = raw.trimEnd();
    if (/^BEGIN:VCALENDAR$/i.test(line)) sawCalendar = true;
    if (/^BEGIN:VEVENT$/i.test(line)) { event = []; continue; }
    if (/^END:VEVENT$/i.test(line)) {
      if (event) readEvent(event, untilYear, dates, skipped);
      event = null;
      continue;
    }
    if (event) { const p = property(line); if (p) event.push(p); }
  }
  if (!sawCalendar) skipped.push('not an iCalendar file (no BEGIN:VCALENDAR)');
  return { dates: [...dates].sort(), skipped };
}

function readEvent(props: Array<{ name: string; value: string }>, untilYear: number, dates: Set<string>, skipped: string[]): void {
  const get = (n: string) => props.find((p) => p.name === n)?.value;
  const summary = (get('SUMMARY') ?? 'an event').replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ');
  const start = dayOf(get('DTSTART') ?? '');
  if (start === null) { skipped.push(`${summary}: no start date`); return; }
  const endValue = get('DTEND');
  const end = endValue !== undefined ? dayOf(endValue) : null;
  const duration = get('DURATION');
  let length = 1;
  if (end !== null && end > start) length = end - start;
  else if (duration) length = durationDays(duration) ?? 1;
  if (length > 366) { skipped.push(`${summary}: longer than a year`); return; }
  const rule = get('RRULE');
  const add = (first: number) => { for (let d = 0; d < length; d++) dates.add(iso(first + d)); };
  if (!rule) { add(start); return; }
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]));
  const other = Object.keys(parts).filter((k) => !['FREQ', 'COUNT', 'UNTIL', 'INTERVAL'].includes(k.toUpperCase()));
  if (parts.FREQ?.toUpperCase() !== 'YEARLY' || other.length) {
    skipped.push(`${summary}: repeats by a rule other than "every year on this date" (${rule})`);
    add(start);
    return;
  }
  const interval = Math.max(1, Number(parts.INTERVAL ?? 1) || 1);
  const count = parts.COUNT ? Number(parts.COUNT) : Infinity;
  const until = parts.UNTIL ? dayOf(parts.UNTIL) : null;
  const first = new Date(start * 86_400_000);
  for (let n = 0, y = first.getUTCFullYear(); n < count && y <= untilYear; n++, y += interval) {
    const t = Date.UTC(y, first.getUTCMonth(), first.getUTCDate());
    // 29 February repeats only in leap years
    if (new Date(t).getUTCDate() !== first.getUTCDate()) continue;
    const day = t / 86_400_000;
    if (until !== null && day > until) break;
    add(day);
  }
}
