/** Report parameters as people type them (HTTP query or command line), checked with a clear reason. */
import { ChannelSchema } from '../../shared/domain';
import { GROUP_BY, type GroupBy, type ReportFilter } from './report';

export class MetricsInputError extends Error {}

const DAY = 86_400_000;

/**
 * A date or date-time. A bare date is a whole UTC day: as `from` it starts at its midnight, as
 * `to` it ends at the next one, so `--from 2026-11-01 --to 2026-11-30` covers all of November.
 */
export function parseReportDate(value: string | undefined, which: 'from' | 'to'): number {
  if (value === undefined || value === '') throw new MetricsInputError(`--${which} is required (a date such as 2026-11-01, or an ISO date-time)`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== value) throw new MetricsInputError(`${which}: "${value}" is not a calendar date`);
    return which === 'to' ? t + DAY : t;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  throw new MetricsInputError(`${which}: "${value}" is not a date (use YYYY-MM-DD or an ISO date-time with a zone, e.g. 2026-11-01T09:00:00Z)`);
}

export interface ReportParams {
  from: number;
  to: number;
  by: GroupBy | null;
  filter: ReportFilter;
  format: 'json' | 'csv';
}

const MAX_RANGE_DAYS = 3660;

export function parseReportParams(q: Record<string, string | undefined>): ReportParams {
  const known = new Set(['from', 'to', 'by', 'format', 'agent', 'team', 'channel']);
  const unknown = Object.keys(q).filter((k) => !known.has(k) && q[k] !== undefined);
  if (unknown.length) throw new MetricsInputError(`unknown report parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  const from = parseReportDate(q.from, 'from');
  const to = parseReportDate(q.to, 'to');
  if (to <= from) throw new MetricsInputError('"to" must be after "from"');
  if (to - from > MAX_RANGE_DAYS * DAY) throw new MetricsInputError(`the range is longer than ${MAX_RANGE_DAYS} days`);
  let by: GroupBy | null = null;
  if (q.by !== undefined && q.by !== '') {
    if (!(GROUP_BY as readonly string[]).includes(q.by)) throw new MetricsInputError(`by: "${q.by}" is not one of ${GROUP_BY.join(', ')}`);
    by = q.by as GroupBy;
  }
  const format = q.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new MetricsInputError(`format: "${format}" is not json or csv`);
  const filter: ReportFilter = {};
  for (const [key, field] of [['agent', 'agent_id'], ['team', 'team_id']] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (v === '' || v.length > 200) throw new MetricsInputError(`${key}: expected an id of 1–200 characters`);
    filter[field] = v;
  }
  if (q.channel !== undefined) {
    if (!ChannelSchema.safeParse(q.channel).success) throw new MetricsInputError(`channel: "${q.channel}" is not one of ${ChannelSchema.options.join(', ')}`);
    filter.channel = q.channel;
  }
  return { from, to, by, filter, format };
}
