/**
 * The administration screens: who sees each, and how the palette names it. Supervisors see every
 * screen and change what their role allows; agents see the screens about their own things.
 */
import type { Role } from '../../../../shared/domain';
import type { AdminScreen } from '../../app/store';

export interface ScreenDef { id: AdminScreen; label: string; roles: Role[] }

export const ADMIN_SCREENS: ScreenDef[] = [
  { id: 'checklist', label: 'Getting started', roles: ['admin'] },
  { id: 'teams', label: 'Teams and departments', roles: ['supervisor', 'admin'] },
  { id: 'people', label: 'People', roles: ['supervisor', 'admin'] },
  { id: 'channels', label: 'Channels', roles: ['admin'] },
  { id: 'rules', label: 'Routing rules', roles: ['supervisor', 'admin'] },
  { id: 'sla', label: 'SLA and business hours', roles: ['supervisor', 'admin'] },
  { id: 'surveys', label: 'Surveys and return on care', roles: ['supervisor', 'admin'] },
  { id: 'approvals', label: 'Approvals for public replies', roles: ['supervisor', 'admin'] },
  { id: 'schedules', label: 'Schedules', roles: ['supervisor', 'admin'] },
  { id: 'audit', label: 'Audit log', roles: ['admin'] },
  { id: 'customer', label: "A customer's data", roles: ['admin'] },
  { id: 'canned', label: 'Canned responses', roles: ['agent', 'supervisor', 'admin'] },
  { id: 'macros', label: 'Macros', roles: ['agent', 'supervisor', 'admin'] },
];

export const screensFor = (role: Role | undefined): ScreenDef[] => ADMIN_SCREENS.filter((s) => role && s.roles.includes(role));
