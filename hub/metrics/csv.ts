/** CSV export of a report: one row per group, then a "total" row; RFC 4180 quoting. */
import type { Metrics, Report } from './report';

const COLUMNS: Array<[string, (m: Metrics) => number | string | null]> = [
  ['conversations', (m) => m.conversations],
  ['inbound_messages', (m) => m.inbound_messages],
  ['outbound_messages', (m) => m.outbound_messages],
  ['first_response_count', (m) => m.first_response.count],
  ['first_response_mean_s', (m) => m.first_response.mean_s],
  ['first_response_median_s', (m) => m.first_response.median_s],
  ['first_response_p90_s', (m) => m.first_response.p90_s],
  ['next_response_count', (m) => m.next_response.count],
  ['next_response_mean_s', (m) => m.next_response.mean_s],
  ['next_response_median_s', (m) => m.next_response.median_s],
  ['resolution_count', (m) => m.resolution.count],
  ['resolution_mean_s', (m) => m.resolution.mean_s],
  ['resolution_median_s', (m) => m.resolution.median_s],
  ['handle_mean_s', (m) => m.handle.mean_s],
  ['handle_median_s', (m) => m.handle.median_s],
  ['resolved', (m) => m.resolved],
  ['reopened', (m) => m.reopened],
  ['fcr_pct', (m) => m.first_contact_resolution.rate_pct],
  ['sla_first_response_pct', (m) => m.sla.first_response.hit_rate_pct],
  ['sla_next_response_pct', (m) => m.sla.next_response.hit_rate_pct],
  ['sla_resolution_pct', (m) => m.sla.resolution.hit_rate_pct],
  ['sla_overall_pct', (m) => m.sla.overall.hit_rate_pct],
  ['response_rate_pct', (m) => m.response_rate.rate_pct],
  ['csat_answered', (m) => m.csat.answered],
  ['csat_mean', (m) => m.csat.mean],
  ['csat_pct', (m) => m.csat.csat_pct],
  ['effort_answered', (m) => m.effort.answered],
  ['net_easy', (m) => m.effort.net_easy],
  ['sentiment_conversations', (m) => m.sentiment_change.conversations],
  ['sentiment_mean_delta', (m) => m.sentiment_change.mean_delta],
  ['insights_routed', (m) => m.insights.routed],
  ['insights_closed', (m) => m.insights.closed],
  ['insight_closure_median_s', (m) => m.insights.closure.median_s],
  ['roi_currency', (m) => m.roi.currency],
  ['roi_social_resolved_without_call', (m) => m.roi.social_resolved_without_call],
  ['roi_calls_avoided', (m) => m.roi.calls_avoided],
  ['roi_cost_saved', (m) => m.roi.cost_saved],
];

export const CSV_HEADER = ['group', 'key', ...COLUMNS.map(([name]) => name)];

function cell(v: number | string | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: Report): string {
  const lines = [CSV_HEADER.join(',')];
  for (const g of report.groups) lines.push([cell(report.by ?? ''), cell(g.key), ...COLUMNS.map(([, get]) => cell(get(g)))].join(','));
  lines.push(['total', '', ...COLUMNS.map(([, get]) => cell(get(report.total)))].join(','));
  return lines.join('\r\n') + '\r\n';
}
