/** The admin's first-run checklist: connect a channel, add people, set hours, review rules, each with whether it is done. */
import type { Checklist } from '../../shared/contract/admin';
import type { Queryable } from '../db/db';

export async function checklist(q: Queryable, workspaceId: string): Promise<Checklist['items']> {
  const [r] = await q.query<{ channels: number; people: number; calendars: number; rules: number; versions: number }>(
    `SELECT (SELECT count(*)::int FROM channel_accounts WHERE workspace_id = $1) + (SELECT count(*)::int FROM channel_connections WHERE workspace_id = $1) AS channels,
            (SELECT count(*)::int FROM agents WHERE workspace_id = $1) AS people,
            coalesce((SELECT jsonb_array_length(coalesce(config->'calendars', '[]'::jsonb)) FROM routing_config WHERE workspace_id = $1), 0) AS calendars,
            coalesce((SELECT jsonb_array_length(coalesce(config->'rules', '[]'::jsonb)) FROM routing_config WHERE workspace_id = $1), 0) AS rules,
            (SELECT count(*)::int FROM routing_rule_versions WHERE workspace_id = $1) AS versions`, [workspaceId]);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    { id: 'channel', label: 'Connect a channel', done: r!.channels > 0, detail: r!.channels ? plural(r!.channels, 'channel account', 'channel accounts') : 'X, Facebook, Instagram or a feed: Administration, Channels' },
    { id: 'people', label: 'Add people', done: r!.people > 1, detail: plural(r!.people, 'person', 'people') },
    { id: 'hours', label: 'Set business hours', done: r!.calendars > 0, detail: r!.calendars ? plural(r!.calendars, 'calendar', 'calendars') : 'SLA clocks run day and night until a calendar is set' },
    { id: 'rules', label: 'Review the routing rules', done: r!.rules > 0 || r!.versions > 0, detail: r!.rules ? plural(r!.rules, 'rule', 'rules') : 'every post goes to the support team' },
  ];
}
