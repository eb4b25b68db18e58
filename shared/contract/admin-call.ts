/**
 * The rows the admin screens call through the desktop's one request `admin.call`
 * (desktop.ts): every ADMIN_ROUTES row, and the HUB_ROUTES rows the rules, SLA and surveys screens
 * share with the rest of the desktop (the desktop core reads the same routing configuration for the
 * rules' names). A route is named once, in one table, with one schema per part: the screens, the
 * core and the hub all read that row.
 */
import { ADMIN_ROUTES } from './admin';
import { HUB_ROUTES } from './hub-routes';
import type { RouteCall, RouteResponse } from './route';

const {
  routingConfig, setRoutingConfig, setRoutingRules, ruleVersions, ruleVersion, previewRules, applyRules, metricsSettings, setMetricsSettings,
  approvalQueue, approveReply, rejectReply, qualityMine, qualitySample, qualityScore, reviewQuality,
} = HUB_ROUTES;

export const ADMIN_CALL_ROUTES = {
  ...ADMIN_ROUTES,
  // the rules editor and the SLA screen: the routing configuration, the rules' versions, moving waiting work
  routingConfig, setRoutingConfig, setRoutingRules, ruleVersions, ruleVersion, previewRules, applyRules,
  // the surveys screen: how surveys are asked and the return-on-care costs
  metricsSettings, setMetricsSettings,
  // the approvers' view (renderer features/Approvals.tsx): the replies waiting for approval and the decisions
  approvalQueue, approveReply, rejectReply,
  // quality review (renderer features/Quality.tsx): the reviewers' sample and reviews, an agent's own scores
  qualityMine, qualitySample, qualityScore, reviewQuality,
} as const;

export type AdminCallName = keyof typeof ADMIN_CALL_ROUTES;
export const ADMIN_CALL_NAMES = Object.keys(ADMIN_CALL_ROUTES) as [AdminCallName, ...AdminCallName[]];

/** What a screen passes for a row: its path parameters, query and body, as the row's schemas take them. */
export type AdminCall<N extends AdminCallName> = RouteCall<(typeof ADMIN_CALL_ROUTES)[N]>;
/** The row's answer, as its response schema gives it. */
export type AdminAnswer<N extends AdminCallName> = RouteResponse<(typeof ADMIN_CALL_ROUTES)[N]>;
