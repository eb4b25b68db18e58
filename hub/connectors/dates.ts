/** Date formats the platforms use, turned into ISO 8601 (UTC). Strict: a bad date is null, never a guess. */

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const TWITTER_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/** 'Tue Oct 31 22:10:47 +0000 2017' (X v1.1 and the TWCS data set) → ISO, or null. */
export function parseTwitterDate(s: string): string | null {
  const m = TWITTER_DATE.exec(s.trim());
  if (!m) return null;
  const [, mon, dd, hh, mi, ss, sign, oh, om, yyyy] = m;
  const day = Number(dd), hour = Number(hh), min = Number(mi), sec = Number(ss);
  if (day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return null;
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const ms = Date.UTC(Number(yyyy), MONTHS[mon], day, hour, min, sec) - offsetMin * 60_000;
  // Date.UTC rolls Feb 31 over into March: refuse such days instead.
  if (new Date(Date.UTC(Number(yyyy), MONTHS[mon], day)).getUTCDate() !== day) return null;
  return new Date(ms).toISOString();
}

/** Unix time in seconds or milliseconds (Meta mixes both) → ISO, or null. */
export function epochToIso(value: number | string): string | null {
  const n = typeof value === 'string' ? (/^\d{1,16}$/.test(value) ? Number(value) : NaN) : value;
  if (!Number.isFinite(n) || n < 0) return null;
  const ms = n < 1e12 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999 ? null : d.toISOString();
}

/** Any date string Date can read (RSS pubDate, Atom updated, ISO) → ISO, or null. */
export function looseDateToIso(s: string | undefined | null): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return d.getUTCFullYear() > 9999 ? null : d.toISOString();
}
