/** A realistic workspace configuration shared by the tests, the simulation and the benchmark. */
import { DEFAULT_ACTIVITIES, DEFAULT_DEPARTMENTS, type RoutingConfigInput } from '../../hub/routing/schemas';

export function careConfig(overrides: Partial<RoutingConfigInput> = {}): RoutingConfigInput {
  return {
    activities: [...DEFAULT_ACTIVITIES, { id: 'training', label: 'Training', routable: false, requeue_assignments: false }],
    teams: [
      { id: 'care-en', name: 'Care (English)', kind: 'support' },
      { id: 'care-es', name: 'Care (Spanish)', kind: 'support' },
      { id: 'vip', name: 'VIP desk', kind: 'support' },
      ...DEFAULT_DEPARTMENTS,
    ],
    queues: [
      { id: 'q-en', team_id: 'care-en', match: ['language'] },
      { id: 'q-es', team_id: 'care-es', match: ['language'] },
      { id: 'q-vip', team_id: 'vip', match: [], required_skills: { 'tier:vip': 1 } },
      { id: 'q-escalations', team_id: 'care-en', match: [] },
      { id: 'q-defects', team_id: 'product-quality', match: [] },
    ],
    rules: [
      {
        id: 'defect-trend', name: 'Product defect reports without a question go to product quality',
        filters: [{ field: 'intent', op: 'in', values: ['feedback'] }, { field: 'topic', op: 'in', values: ['product defect'] }],
        targets: [{ queue_id: 'q-defects' }],
      },
      {
        id: 'vip', name: 'VIP customers and urgent posts first to the VIP desk',
        filters: [{ field: 'customer_tier', op: 'in', values: ['vip'] }],
        targets: [{ queue_id: 'q-vip', priority: 50, timeout_seconds: 120 }, { queue_id: 'q-escalations', priority: 50 }],
      },
      {
        id: 'spanish', name: 'Spanish',
        filters: [{ field: 'language', op: 'in', values: ['es'] }],
        targets: [{ queue_id: 'q-es', timeout_seconds: 300 }, { queue_id: 'q-en' }],
      },
    ],
    default_queue_id: 'q-en',
    offer_timeout_seconds: 60,
    calendars: [{
      id: 'warsaw', time_zone: 'Europe/Warsaw',
      hours: { mon: [['08:00', '20:00']], tue: [['08:00', '20:00']], wed: [['08:00', '20:00']], thu: [['08:00', '20:00']], fri: [['08:00', '20:00']], sat: [['10:00', '16:00']], sun: [] },
      holidays: ['2026-12-25', '2026-12-26', '2027-01-01'],
    }],
    sla_policies: [
      { id: 'urgent', priorities: ['urgent'], calendar_id: null, first_response_seconds: 900, next_response_seconds: 900, resolution_seconds: 4 * 3600, on_breach: [{ type: 'notify_supervisor' }, { type: 'reroute', queue_id: 'q-escalations' }] },
      { id: 'x-public', channels: ['x'], calendar_id: 'warsaw', first_response_seconds: 3600, next_response_seconds: 1800, resolution_seconds: 86_400, on_breach: [{ type: 'raise_priority' }, { type: 'notify_supervisor' }] },
      { id: 'default', calendar_id: 'warsaw', first_response_seconds: 4 * 3600, resolution_seconds: 3 * 86_400 },
    ],
    ...overrides,
  };
}
