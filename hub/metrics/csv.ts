/**
 * CSV export of a report: one row per group, then a "total" row; RFC 4180 quoting. The report's sections
 * (approval time, adherence, quality, crisis periods) are columns too, so the file holds what the screen
 * shows: the workspace's figures on the total row, an agent's or a team's on its row where the section has
 * them (grouped by agent or team), empty elsewhere.
 */
import type { AdherenceReport } from '../../shared/contract/staffing';
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

/**
 * The sections other modules add to a workspace's report (routes.ts ReportSections, handed in by modules.ts), as
 * far as the CSV reads them: hub/staffing's adherence, hub/quality's scores, hub/spikes' crisis periods.
 */
interface QualityFigures {
  conversations: number; mean_score: number | null;
  by_agent: Array<{ agent_id: string | null; conversations: number; mean_score: number | null }>;
  by_team: Array<{ team_id: string | null; conversations: number; mean_score: number | null }>;
}
export interface CsvSections {
  adherence?: AdherenceReport;
  quality?: { automatic: QualityFigures; reviewed: QualityFigures };
  crisis_periods?: unknown[];
}

type Cell = number | string | null;
/** one section column: its value for the whole report (total row) and for a group's key (null: not per group) */
interface SectionColumn { name: string; total(r: Report, s: CsvSections): Cell; group?(key: string, by: Report['by'], s: CsvSections): Cell }

const byKey = <T,>(rows: T[] | undefined, key: string, idOf: (row: T) => string | null): T | undefined => rows?.find((row) => idOf(row) === key);
const qualityOf = (q: QualityFigures | undefined, key: string, by: Report['by']) =>
  by === 'agent' ? byKey(q?.by_agent, key, (r) => r.agent_id) : by === 'team' ? byKey(q?.by_team, key, (r) => r.team_id) : undefined;
const adherenceOf = (a: AdherenceReport | undefined, key: string, by: Report['by']) =>
  by === 'agent' ? byKey(a?.agents, key, (r) => r.agent_id) : by === 'team' ? byKey(a?.teams, key, (r) => r.team_id) : undefined;

const SECTION_COLUMNS: SectionColumn[] = [
  { name: 'approvals_decided', total: (r) => r.approvals?.total.decided ?? null },
  { name: 'approvals_rejected', total: (r) => r.approvals?.total.rejected ?? null },
  { name: 'approval_wait_median_s', total: (r) => r.approvals?.total.median_s ?? null },
  { name: 'approval_wait_p90_s', total: (r) => r.approvals?.total.p90_s ?? null },
  { name: 'approvals_pending', total: (r) => r.approvals?.pending.count ?? null },
  { name: 'adherence_scheduled_min', total: (_, s) => s.adherence?.scheduled_min ?? null, group: (k, by, s) => adherenceOf(s.adherence, k, by)?.scheduled_min ?? null },
  { name: 'adherence_pct', total: (_, s) => s.adherence?.adherence_pct ?? null, group: (k, by, s) => adherenceOf(s.adherence, k, by)?.adherence_pct ?? null },
  { name: 'quality_auto_mean_score', total: (_, s) => s.quality?.automatic.mean_score ?? null, group: (k, by, s) => qualityOf(s.quality?.automatic, k, by)?.mean_score ?? null },
  { name: 'quality_reviewed_conversations', total: (_, s) => s.quality?.reviewed.conversations ?? null, group: (k, by, s) => qualityOf(s.quality?.reviewed, k, by)?.conversations ?? null },
  { name: 'quality_reviewed_mean_score', total: (_, s) => s.quality?.reviewed.mean_score ?? null, group: (k, by, s) => qualityOf(s.quality?.reviewed, k, by)?.mean_score ?? null },
  { name: 'crisis_periods', total: (_, s) => s.crisis_periods?.length ?? null },
];

export const CSV_HEADER = ['group', 'key', ...COLUMNS.map(([name]) => name), ...SECTION_COLUMNS.map((c) => c.name)];

function cell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: Report, sections: CsvSections = {}): string {
  const lines = [CSV_HEADER.join(',')];
  for (const g of report.groups) {
    lines.push([cell(report.by ?? ''), cell(g.key), ...COLUMNS.map(([, get]) => cell(get(g))),
      ...SECTION_COLUMNS.map((c) => cell(c.group?.(g.key, report.by, sections) ?? null))].join(','));
  }
  lines.push(['total', '', ...COLUMNS.map(([, get]) => cell(get(report.total))), ...SECTION_COLUMNS.map((c) => cell(c.total(report, sections)))].join(','));
  return lines.join('\r\n') + '\r\n';
}
