import { describe, expect, it } from 'vitest';
import { canSeeInsights } from './access';

const teams = [
  { id: 'care', name: 'Care', kind: 'support' as const },
  { id: 'quality', name: 'Product quality', kind: 'department' as const },
];
const agent = (role: 'agent' | 'supervisor' | 'admin', team_ids: string[]) =>
  ({ id: 'a', workspace_id: 'w', email: 'a@x', name: 'A', role, skills: {}, capacity: {}, team_ids });

describe('canSeeInsights', () => {
  it('supervisors and admins always; agents only in a department team; nobody signed out', () => {
    expect(canSeeInsights({ agent: agent('supervisor', []), teams })).toBe(true);
    expect(canSeeInsights({ agent: agent('admin', []), teams })).toBe(true);
    expect(canSeeInsights({ agent: agent('agent', ['care', 'quality']), teams })).toBe(true);
    expect(canSeeInsights({ agent: agent('agent', ['care']), teams })).toBe(false);
    // a team id that is a support team elsewhere does not count
    expect(canSeeInsights({ agent: agent('agent', ['care']), teams: [{ id: 'care', name: 'Care', kind: 'support' }] })).toBe(false);
    expect(canSeeInsights({ agent: null, teams })).toBe(false);
    expect(canSeeInsights(undefined)).toBe(false);
  });
});
