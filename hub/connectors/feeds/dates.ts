/**
 * Feed dates, strictly. RSS says RFC 822 in English ("Tue, 11 Jun 2024 08:00:00 +0200"), but feeds
 * in other languages write their own day and month names ("Di, 11 Jun 2024", "mar., 11 juin 2024",
 * "04 Mär 2024 10:00 MEZ"); Atom and dc:date use RFC 3339. Day names are ignored; month names come
 * from Intl for the languages below, in their short, long and genitive forms. Anything else is null:
 * V8's Date.parse would read "Foo 2024" as 1 January and roll 31 February into March.
 */

const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'nb', 'fi', 'cs', 'sk', 'tr', 'ru', 'uk', 'hu', 'ro', 'ca', 'hr', 'sl', 'lt', 'lv', 'et', 'el'];

const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\.$/, '');

/**
 * Built on first use, not at import: the 26 locales × 12 months × 4 forms of Intl formatting cost
 * ~0.2-0.4 s of CPU, which every hub start paid (the fault suite starts hundreds of hubs), feeds or not.
 */
let monthTable: Map<string, number> | null = null;
const months = (): Map<string, number> => (monthTable ??= buildMonths());

function buildMonths(): Map<string, number> {
  const m = new Map<string, number>();
  const add = (name: string, month: number) => {
    const k = fold(name);
    if (k && !m.has(k)) m.set(k, month);
  };
  for (const loc of LOCALES) {
    for (let month = 0; month < 12; month++) {
      const d = Date.UTC(2000, month, 15);
      for (const style of ['long', 'short'] as const) {
        add(new Intl.DateTimeFormat(loc, { month: style, timeZone: 'UTC' }).format(d), month);
        // the form used next to a day number (genitive in Polish, Russian, Czech, …)
        const part = new Intl.DateTimeFormat(loc, { day: 'numeric', month: style, timeZone: 'UTC' }).formatToParts(d).find((p) => p.type === 'month');
        if (part) add(part.value, month);
      }
    }
  }
  // short forms feeds write that Intl does not (German "Mär", "Okt", "Dez" are Intl's; these are not)
  for (const [k, v] of [['sept', 8], ['mrz', 2], ['maerz', 2], ['juni', 5], ['juli', 6]] as const) add(k, v);
  return m;
}

const ZONES: Record<string, number> = {
  gmt: 0, ut: 0, utc: 0, z: 0, wet: 0, bst: 60, ist: 60, cet: 60, mez: 60, met: 60, cest: 120, mesz: 120, eet: 120, eest: 180, msk: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RFC822 = /^(?:[^\d\s,]{1,12}\.?,?\s+)?(\d{1,2})\.?\s+([^\s\d.,]{3,12})\.?,?\s+(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}))?$/;

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number): string | null {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  if (new Date(Date.UTC(y, mo, d)).getUTCDate() !== d) return null; // 31 February
  const t = Date.UTC(y, mo, d, h, mi, s) - offsetMin * 60_000;
  const out = new Date(t);
  return Number.isNaN(t) || out.getUTCFullYear() > 9999 ? null : out.toISOString();
}

function offset(z: string | undefined): number | null {
  if (!z) return 0; // no zone: UTC (RFC 822 requires one; feeds that leave it out mean UTC or close to it)
  const num = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3]));
  const named = ZONES[z.toLowerCase()];
  return named === undefined ? null : named;
}

/** A feed date → ISO 8601 UTC, or null when it cannot be read exactly. */
export function parseFeedDate(raw: string | null | undefined): string | null {
  const s = raw?.trim().replace(/\s+/g, ' ');
  if (!s) return null;
  const iso = ISO.exec(s);
  if (iso) {
    const off = offset(iso[7]?.toUpperCase() === 'Z' ? 'Z' : iso[7]);
    if (off === null) return null;
    return build(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), off);
  }
  const r = RFC822.exec(s);
  if (!r) return null;
  const month = months().get(fold(r[2]));
  if (month === undefined) return null;
  const off = offset(r[7]);
  if (off === null) return null;
  let year = Number(r[3]);
  if (r[3].length === 2) year += year < 70 ? 2000 : 1900;
  return build(year, month, Number(r[1]), Number(r[4] ?? 0), Number(r[5] ?? 0), Number(r[6] ?? 0), off);
}
