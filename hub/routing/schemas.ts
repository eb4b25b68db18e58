/**
 * Routing configuration of one workspace, validated with zod.
 * Cross-references (a rule naming an unknown queue, a policy naming an unknown calendar)
 * are checked by `validateConfig`, which returns every reason at once.
 */
import { z } from 'zod';
import { ChannelSchema, PrioritySchema, type Priority } from '../../shared/domain';
import { CalendarSchema } from './calendar';

const Id = z.string().min(1).max(100);

export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

/** A presence activity. `requeue_assignments`: entering it sends the agent's open conversations back to routing. */
export const ActivitySchema = z.object({
  id: Id,
  label: z.string().min(1).max(60),
  routable: z.boolean(),
  requeue_assignments: z.boolean().default(false),
}).strict();
export type Activity = z.infer<typeof ActivitySchema>;

export const DEFAULT_ACTIVITIES: Activity[] = [
  { id: 'available', label: 'Available', routable: true, requeue_assignments: false },
  { id: 'busy', label: 'Busy', routable: false, requeue_assignments: false },
  { id: 'break', label: 'Break', routable: false, requeue_assignments: false },
  { id: 'offline', label: 'Offline', routable: false, requeue_assignments: true },
];

export const TeamSchema = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  /** support teams answer customers; departments (product quality, store operations, …) receive insights */
  kind: z.enum(['support', 'department']),
}).strict();
export type RoutingTeam = z.infer<typeof TeamSchema>;

export const DEFAULT_DEPARTMENTS: RoutingTeam[] = [
  { id: 'product-quality', name: 'Product quality', kind: 'department' },
  { id: 'store-operations', name: 'Store operations', kind: 'department' },
  { id: 'product-management', name: 'Product management', kind: 'department' },
  { id: 'loyalty', name: 'Loyalty', kind: 'department' },
];

/** Conversation attributes an agent's skills are matched against (skill key `<attribute>:<value>`). */
export const MatchAttributeSchema = z.enum(['language', 'channel', 'topic', 'tier']);
export type MatchAttribute = z.infer<typeof MatchAttributeSchema>;

export const QueueSchema = z.object({
  id: Id,
  team_id: Id,
  name: z.string().min(1).max(200).optional(),
  /** conversation attributes the agent must hold a skill for, e.g. language "es" → skill "language:es" ≥ 1 */
  match: z.array(MatchAttributeSchema).default(['language']),
  /** extra skills required regardless of the conversation, with minimum levels */
  required_skills: z.record(z.string().min(1).max(100), z.number().int().min(1).max(10)).default({}),
}).strict();
export type Queue = z.infer<typeof QueueSchema>;

const strings = z.array(z.string().min(1).max(100)).min(1).max(100);
const num = z.number().finite();

/** One condition of a rule; all conditions of a rule must hold. */
export const FilterSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('channel'), op: z.enum(['in', 'not_in']), values: z.array(ChannelSchema).min(1) }).strict(),
  z.object({ field: z.enum(['language', 'intent', 'topic', 'customer_tier', 'sentiment_label']), op: z.enum(['in', 'not_in']), values: strings }).strict(),
  // gte/lte compare with the single value given: low < normal < high < urgent
  z.object({ field: z.literal('priority'), op: z.enum(['in', 'not_in', 'gte', 'lte']), values: z.array(PrioritySchema).min(1) }).strict()
    .refine((f) => f.op === 'in' || f.op === 'not_in' || f.values.length === 1, { message: 'priority gte/lte takes exactly one value' }),
  z.object({ field: z.literal('sentiment'), op: z.enum(['gte', 'lte']), value: num.min(-1).max(1) }).strict(),
  z.object({ field: z.literal('followers'), op: z.enum(['gte', 'lte']), value: num.min(0) }).strict(),
  z.object({ field: z.literal('keywords'), op: z.enum(['any', 'all', 'none']), values: strings }).strict(),
]);
export type Filter = z.infer<typeof FilterSchema>;

export const TargetSchema = z.object({
  queue_id: Id,
  /** higher is served first among conversations due at the same time */
  priority: z.number().int().min(0).max(100).default(0),
  /** seconds to wait in this queue before moving to the next target; null = wait here */
  timeout_seconds: z.number().int().min(1).max(7 * 86_400).nullable().default(null),
}).strict();
export type Target = z.infer<typeof TargetSchema>;

export const RuleSchema = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  filters: z.array(FilterSchema).max(50).default([]),
  targets: z.array(TargetSchema).min(1, 'a rule needs at least one target').max(10),
}).strict();
export type Rule = z.infer<typeof RuleSchema>;

export const EscalationActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reroute'), queue_id: Id }).strict(),
  z.object({ type: z.literal('raise_priority') }).strict(),
  z.object({ type: z.literal('notify_supervisor') }).strict(),
]);
export type EscalationAction = z.infer<typeof EscalationActionSchema>;

const seconds = z.number().int().min(1).max(365 * 86_400);
export const SlaPolicySchema = z.object({
  id: Id,
  name: z.string().min(1).max(200).optional(),
  /** empty = any */
  priorities: z.array(PrioritySchema).default([]),
  channels: z.array(ChannelSchema).default([]),
  calendar_id: Id.nullable().default(null),
  first_response_seconds: seconds.nullable().default(null),
  next_response_seconds: seconds.nullable().default(null),
  resolution_seconds: seconds.nullable().default(null),
  /** a warning fires when this share of the target's business time has elapsed */
  warn_at: z.number().gt(0).lt(1).default(0.8),
  on_breach: z.array(EscalationActionSchema).max(5).default([]),
}).strict();
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

export const RoutingConfigSchema = z.object({
  activities: z.array(ActivitySchema).min(1).default(DEFAULT_ACTIVITIES),
  teams: z.array(TeamSchema).default([]),
  queues: z.array(QueueSchema).min(1),
  rules: z.array(RuleSchema).max(500).default([]),
  default_queue_id: Id,
  offer_timeout_seconds: z.number().int().min(5).max(3600).default(60),
  calendars: z.array(CalendarSchema).default([]),
  sla_policies: z.array(SlaPolicySchema).default([]),
}).strict();
export type RoutingConfigInput = z.input<typeof RoutingConfigSchema>;
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

export interface ConfigProblem { path: string; message: string }

function dupes(ids: string[]): string[] {
  const seen = new Set<string>(), out = new Set<string>();
  for (const id of ids) (seen.has(id) ? out : seen).add(id);
  return [...out];
}

/** Parse and cross-check a config. Returns the parsed config or every problem found. */
export function validateConfig(input: unknown): { ok: true; config: RoutingConfig } | { ok: false; problems: ConfigProblem[] } {
  const parsed = RoutingConfigSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  const c = parsed.data;
  const problems: ConfigProblem[] = [];
  const teams = new Map(c.teams.map((t) => [t.id, t]));
  const queues = new Set(c.queues.map((q) => q.id));
  const calendars = new Set(c.calendars.map((x) => x.id));
  for (const [what, ids] of [['activities', c.activities.map((a) => a.id)], ['teams', c.teams.map((t) => t.id)], ['queues', c.queues.map((q) => q.id)], ['rules', c.rules.map((r) => r.id)], ['calendars', c.calendars.map((x) => x.id)], ['sla_policies', c.sla_policies.map((p) => p.id)]] as const) {
    for (const d of dupes(ids)) problems.push({ path: what, message: `duplicate id "${d}"` });
  }
  if (!c.activities.some((a) => a.id === 'offline' && !a.routable)) problems.push({ path: 'activities', message: 'an "offline" activity that is not routable is required' });
  c.queues.forEach((q, i) => { if (!teams.has(q.team_id)) problems.push({ path: `queues.${i}.team_id`, message: `unknown team "${q.team_id}"` }); });
  if (!queues.has(c.default_queue_id)) problems.push({ path: 'default_queue_id', message: `unknown queue "${c.default_queue_id}"` });
  c.rules.forEach((r, i) => r.targets.forEach((t, j) => {
    if (!queues.has(t.queue_id)) problems.push({ path: `rules.${i}.targets.${j}.queue_id`, message: `rule "${r.id}": unknown queue "${t.queue_id}"` });
  }));
  c.sla_policies.forEach((p, i) => {
    if (p.calendar_id !== null && !calendars.has(p.calendar_id)) problems.push({ path: `sla_policies.${i}.calendar_id`, message: `unknown calendar "${p.calendar_id}"` });
    if (p.first_response_seconds === null && p.next_response_seconds === null && p.resolution_seconds === null) {
      problems.push({ path: `sla_policies.${i}`, message: 'a policy needs at least one target (first response, next response or resolution)' });
    }
    p.on_breach.forEach((a, j) => {
      if (a.type === 'reroute' && !queues.has(a.queue_id)) problems.push({ path: `sla_policies.${i}.on_breach.${j}.queue_id`, message: `unknown queue "${a.queue_id}"` });
    });
  });
  return problems.length ? { ok: false, problems } : { ok: true, config: c };
}

/** Agent as the router sees it. Skills: `language:en`, `channel:x`, `topic:billing`, `tier:vip` → level 1–10. */
export const RoutingAgentSchema = z.object({
  id: Id,
  name: z.string().max(200).default(''),
  role: z.enum(['agent', 'supervisor', 'admin']).default('agent'),
  team_ids: z.array(Id).max(50).default([]),
  skills: z.record(z.string().min(1).max(100), z.number().int().min(0).max(10)).default({}),
  /** open conversations at once per channel; `*` applies to channels not listed; missing = 0 */
  capacity: z.record(z.string().min(1).max(40), z.number().int().min(0).max(1000)).default({}),
}).strict();
export type RoutingAgentInput = z.input<typeof RoutingAgentSchema>;
export type RoutingAgent = z.infer<typeof RoutingAgentSchema>;

/** What the router needs to know about a conversation (filled from the conversation row and its analysis). */
export const RoutableConversationSchema = z.object({
  id: Id,
  channel: ChannelSchema,
  priority: PrioritySchema.default('normal'),
  language: z.string().max(20).nullable().default(null),
  intent: z.string().max(100).nullable().default(null),
  topic: z.string().max(100).nullable().default(null),
  sentiment_label: z.string().max(40).nullable().default(null),
  sentiment: z.number().min(-1).max(1).nullable().default(null),
  customer_tier: z.string().max(40).nullable().default(null),
  followers: z.number().min(0).nullable().default(null),
  text: z.string().max(100_000).default(''),
  /** first inbound message time (ms since epoch); defaults to now */
  created_at: z.number().int().nonnegative().optional(),
}).strict();
export type RoutableConversationInput = z.input<typeof RoutableConversationSchema>;
export type RoutableConversation = z.infer<typeof RoutableConversationSchema>;
