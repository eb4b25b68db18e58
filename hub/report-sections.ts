/**
 * The sections other modules add to a workspace's metrics report: crisis periods (hub/spikes), adherence
 * (hub/staffing) and quality scores (hub/quality). One list for the API (modules.ts) and for
 * `npm run hub -- report` (metrics/cli.ts), so the command prints what the Reports screen exports.
 */
import type { Db } from './db/db';
import type { ReportSections } from './metrics/routes';
import { qualityReport } from './quality/module';
import { CrisisService } from './spikes/crisis';
import { adherenceReport } from './staffing/report';

export function reportSections(db: Db, parts: { crisis: () => Pick<CrisisService, 'periods'> | null; adherence: boolean }): ReportSections {
  return async (ws, range) => {
    const crisis = parts.crisis();
    return {
      ...(crisis ? { crisis_periods: await crisis.periods(ws, range) } : {}),
      ...(parts.adherence ? { adherence: await adherenceReport(db, ws, range) } : {}),
      quality: await qualityReport(db, ws, range),
    };
  };
}

/** Every section, over a database the command opened (a crisis's periods need no routing). */
export const allReportSections = (db: Db): ReportSections => reportSections(db, { crisis: () => new CrisisService(db, () => null), adherence: true });
