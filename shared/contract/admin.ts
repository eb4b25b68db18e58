/**
 * Workspace administration over the wire (issue 12): the hub's /v1/admin/* and /v1/account/*
 * routes, and the admin screens' own routing and setup routes, as one table (method, path, schemas)
 * of the same rows as HUB_ROUTES (route.ts). A route is in one table only: the routing
 * configuration, rule versions and metrics settings the screens also change are HUB_ROUTES rows.
 * The hub serves these rows (hub/admin and the modules that own each setting); the desktop core
 * calls them, and those HUB_ROUTES rows, through the one desktop request `admin.call`
 * (admin-call.ts), which names a row, so the renderer's admin screens are typed end to end and no
 * screen spells a path.
 *
 * Who may: admins change everything here; supervisors read every screen and change what their
 * role allows (an agent's teams, skills, capacity and languages); agents only their own account.
 * A refusal is the hub's ApiError (403 forbidden, 404 not_found, 409 with the reason, 400 invalid).
 */
import { z } from 'zod';
import { ChannelSchema, PrioritySchema, RoleSchema } from '../domain';
import { CreateMacroSchema, MacroListSchema, MacroOneSchema, UpdateMacroSchema } from './macros';
import type { HubRoute } from './route';
import { ApprovalRulesSchema, ApprovalSettingsViewSchema } from './approvals';
import { TeamKindSchema } from './routing';
import {
  ImportShiftsResponseSchema, ImportShiftsSchema, ShiftInputSchema, ShiftListSchema, ShiftOneSchema, ShiftsQuerySchema,
  StaffingSettingsBodySchema, StaffingSettingsViewSchema,
} from './staffing';
import {
  AgentStatusResponseSchema, AuditPageSchema, AuditQuerySchema, LiftLockoutRequestSchema, LiftLockoutResponseSchema,
  LockoutListSchema, RevokeResponseSchema, SessionListSchema,
} from './accounts';

const Id = z.string().min(1).max(200);
const NEW_PASSWORD_MIN_ = 8;
const IdParams = z.object({ id: Id });
const Name = z.string().trim().min(1, 'give a name').max(200);

// ---- teams and departments --------------------------------------------------------------------

export const AdminTeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** support teams answer customers; departments (product quality, store operations…) receive insights */
  kind: TeamKindSchema,
  archived: z.boolean(),
  /** people in it */
  members: z.number().int(),
  /** open conversations waiting unassigned in its queue (support) or open insights (department) */
  waiting: z.number().int(),
  created_at: z.string(),
});
export type AdminTeam = z.infer<typeof AdminTeamSchema>;
export const TeamsResponseSchema = z.object({ teams: z.array(AdminTeamSchema) });
export const TeamResponseSchema = z.object({ team: AdminTeamSchema });
export const CreateTeamSchema = z.object({ name: Name, kind: TeamKindSchema }).strict();
export const RenameTeamSchema = z.object({ name: Name }).strict();

// ---- people -----------------------------------------------------------------------------------

/** Skill keys as routing reads them: `topic:billing`, `channel:x`, `tier:vip`… (languages are kept apart, below). */
const SkillKey = z.string().trim().min(1).max(100).regex(/^[a-z0-9_:.-]+$/i, 'a skill is letters, digits and : . _ -');
export const SkillsSchema = z.record(SkillKey, z.number().int().min(1).max(10));
/** open conversations at once per channel; `*` = every channel not listed */
export const CapacitySchema = z.record(z.string().min(1).max(40), z.number().int().min(0).max(1000));
/** languages an agent answers in (BCP 47 primary tags such as en, pl, pt), each with a level 1–10 */
export const LanguagesSchema = z.record(z.string().regex(/^[a-z]{2,3}$/, 'a language is a two- or three-letter code such as en or pl'), z.number().int().min(1).max(10));

export const PresenceInfoSchema = z.object({ activity_id: z.string(), label: z.string(), routable: z.boolean(), since: z.string().nullable() });
export const AdminAgentSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  team_ids: z.array(z.string()),
  skills: z.record(z.string(), z.number()),
  capacity: z.record(z.string(), z.number()),
  languages: z.record(z.string(), z.number()),
  disabled: z.boolean(),
  /** signs in with a temporary password and must choose their own first */
  must_change_password: z.boolean(),
  /** invited, has not accepted yet */
  invite_pending: z.boolean(),
  presence: PresenceInfoSchema.nullable(),
  /** open conversations assigned now, and the capacity over every channel (null: unlimited/unknown) */
  load: z.object({ open: z.number().int(), capacity: z.number().int().nullable() }),
  created_at: z.string(),
});
export type AdminAgent = z.infer<typeof AdminAgentSchema>;
export const AgentsResponseSchema = z.object({ agents: z.array(AdminAgentSchema) });

/** How a new person gets in: a one-time sign-up link, or a temporary password they must change at first sign-in. */
export const AccessSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invite') }).strict(),
  z.object({ kind: z.literal('password'), password: z.string().min(8, 'a temporary password has at least 8 characters').max(200) }).strict(),
]);
export const InviteSchema = z.object({ token: z.string(), expires_at: z.string() });
export type Invite = z.infer<typeof InviteSchema>;

export const CreateAgentSchema = z.object({
  email: z.string().trim().toLowerCase().email('give an e-mail address').max(320),
  name: Name,
  role: RoleSchema.default('agent'),
  team_ids: z.array(Id).max(50).default([]),
  skills: SkillsSchema.default({}),
  capacity: CapacitySchema.default({}),
  languages: LanguagesSchema.default({}),
  access: AccessSchema,
}).strict();
export const UpdateAgentSchema = z.object({
  name: Name.optional(),
  role: RoleSchema.optional(),
  team_ids: z.array(Id).max(50).optional(),
  skills: SkillsSchema.optional(),
  capacity: CapacitySchema.optional(),
  languages: LanguagesSchema.optional(),
}).strict();
export const AgentResponseSchema = z.object({ agent: AdminAgentSchema, invite: InviteSchema.nullable() });

// ---- the caller's own account -----------------------------------------------------------------

export const NEW_PASSWORD_MIN = 8;
const NewPassword = z.string().min(NEW_PASSWORD_MIN, `a password has at least ${NEW_PASSWORD_MIN} characters`).max(200);
export const AccountResponseSchema = z.object({ must_change_password: z.boolean() });
export const ChangePasswordSchema = z.object({ current_password: z.string().min(1).max(1024), new_password: NewPassword }).strict();
export const AcceptInviteSchema = z.object({ token: z.string().min(10).max(200), password: NewPassword }).strict();
export const AcceptInviteResponseSchema = z.object({ email: z.string() });

// ---- SLA preview (the routing configuration's calendars and sla_policies are routing.ts RoutingConfigViewSchema) ----

export const SlaPreviewRequestSchema = z.object({ priority: PrioritySchema, channel: ChannelSchema }).strict();
/** A post of that priority and channel arriving now: the policy that applies, whether its calendar is open, and its due times (ms since the epoch). */
export const SlaPreviewSchema = z.object({
  policy_id: z.string().nullable(),
  calendar_id: z.string().nullable(),
  open_now: z.boolean(),
  at: z.number(),
  first_response_due: z.number().nullable(),
  next_response_due: z.number().nullable(),
  resolution_due: z.number().nullable(),
});
export type SlaPreview = z.infer<typeof SlaPreviewSchema>;

// ---- routing rules: the editor's try-it box (the rules, their versions and moves are HUB_ROUTES rows) ----

export const TryPostSchema = z.object({
  text: z.string().trim().min(1, 'paste a post').max(10_000),
  channel: ChannelSchema,
  priority: PrioritySchema.optional(),
  followers: z.number().int().min(0).nullable().optional(),
  customer_tier: z.string().max(40).nullable().optional(),
  /** a proposal (not saved): what the editor holds; default the saved rules */
  rules: z.array(z.unknown()).max(500).optional(),
}).strict();
export const TryRouteSchema = z.object({
  analysis: z.object({
    channel: z.string(), priority: z.string(), language: z.string().nullable(), intent: z.string().nullable(), topic: z.string().nullable(),
    sentiment_label: z.string().nullable(), sentiment: z.number().nullable(), customer_tier: z.string().nullable(), followers: z.number().nullable(),
  }).catchall(z.unknown()),
  rule_id: z.string().nullable(),
  queue_id: z.string(), team_id: z.string(), team_name: z.string(), team_kind: TeamKindSchema,
  targets: z.array(z.object({ queue_id: z.string(), timeout_seconds: z.number().nullable() })),
  required_skills: z.array(z.object({ skill: z.string(), min: z.number() })),
  rules: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), matched: z.boolean(), evaluated: z.boolean(), failed: z.array(z.string()) })),
  agents: z.array(z.object({ agent_id: z.string(), name: z.string(), eligible: z.boolean(), why_not: z.array(z.string()), score: z.number() }).catchall(z.unknown())),
  offered_to: z.string().nullable(),
});
export type TryRoute = z.infer<typeof TryRouteSchema>;
// ---- a customer's data: find, export, erase ------------------------------------------------------

export const CustomerMatchSchema = z.object({ id: z.string(), name: z.string(), handles: z.array(z.string()), conversations: z.number().int(), last_at: z.string().nullable() });
export type CustomerMatch = z.infer<typeof CustomerMatchSchema>;
export const CustomerSearchSchema = z.object({ q: z.string().trim().min(1, 'type a name, a handle or an id').max(200) });
export const CustomerMatchesSchema = z.object({ customers: z.array(CustomerMatchSchema) });
/** everything held about one customer (profile, identities, conversations with messages, notes and survey answers, analysis) */
export const CustomerExportSchema = z.object({ exported_at: z.string(), customer: z.record(z.string(), z.unknown()), identities: z.array(z.unknown()), conversations: z.array(z.record(z.string(), z.unknown())) });
/** an erasure cannot be undone: the request says so in words */
export const EraseCustomerSchema = z.object({ confirm: z.literal('erase', { error: 'send { "confirm": "erase" }: an erasure cannot be undone' }) }).strict();
export const ErasedSchema = z.object({ ok: z.literal(true), conversations: z.number().int(), messages: z.number().int() });

// ---- first run and the admin's checklist -----------------------------------------------------------

export const SetupStatusSchema = z.object({ needed: z.boolean() });
export const FirstRunSchema = z.object({
  workspace_name: Name,
  time_zone: z.string().trim().min(1, 'choose a time zone').max(100),
  name: Name,
  email: z.string().trim().toLowerCase().email('give an e-mail address').max(320),
  password: z.string().min(NEW_PASSWORD_MIN_, `a password has at least ${NEW_PASSWORD_MIN_} characters`).max(200),
}).strict();
export const FirstRunDoneSchema = z.object({ ok: z.literal(true), email: z.string() });
export const ChecklistSchema = z.object({
  items: z.array(z.object({ id: z.enum(['channel', 'people', 'hours', 'rules']), label: z.string(), done: z.boolean(), detail: z.string() })),
});
export type Checklist = z.infer<typeof ChecklistSchema>;

// ---- canned responses and an agent's own settings ----------------------------------------------

/** A canned response as the hub keeps it: the team's (supervisors and admins change those) or the caller's own. */
export const CannedItemSchema = z.object({
  id: z.string(),
  shortcode: z.string(),
  title: z.string(),
  text: z.string(),
  scope: z.enum(['team', 'personal']),
  /** times it was inserted, by anyone (team) or by its owner (personal) */
  uses: z.number().int(),
  updated_at: z.string(),
});
export type CannedItem = z.infer<typeof CannedItemSchema>;
export const CannedListSchema = z.object({ canned: z.array(CannedItemSchema) });
const CannedFields = {
  shortcode: z.string().trim().regex(/^[a-z0-9_-]{1,32}$/, 'a shortcode is 1 to 32 of a-z, 0-9, _ and -'),
  title: z.string().trim().min(1, 'give a title').max(100),
  text: z.string().min(1, 'give the text').max(5000),
};
export const CreateCannedSchema = z.object({ ...CannedFields, scope: z.enum(['team', 'personal']) }).strict();
export const UpdateCannedSchema = z.object(CannedFields).partial().strict();
export const CannedOneSchema = z.object({ canned: CannedItemSchema });

/** What an agent chooses for themselves and takes to any desktop they sign in on. */
export const AGENT_SETTING_KEYS = ['keymap', 'palette.usage'] as const;
export type AgentSettingKey = (typeof AGENT_SETTING_KEYS)[number];
export const AgentSettingsSchema = z.object({ settings: z.record(z.string(), z.unknown()) });
export const AgentSettingParams = z.object({ key: z.enum(AGENT_SETTING_KEYS) });
/** a setting's value: any JSON up to 64 kB (the keymap is a few hundred bytes) */
export const AgentSettingBody = z.object({ value: z.unknown() }).strict()
  .refine((b) => JSON.stringify(b.value ?? null).length <= 65_536, 'a setting is at most 64 kB');

// ---- channels: X, Facebook, Instagram accounts and RSS/Atom feeds connected from the app ----------

export const ChannelKindSchema = z.enum(['x', 'facebook', 'instagram', 'feed']);
export type ChannelKind = z.infer<typeof ChannelKindSchema>;
/** The secrets of each kind: typed once, stored encrypted on the hub, never answered again (only whether set and their last 4 characters). */
export const CHANNEL_SECRETS = {
  x: ['consumer_secret', 'bearer_token'],
  facebook: ['app_secret', 'verify_token', 'access_token'],
  instagram: ['app_secret', 'verify_token', 'access_token'],
  feed: [],
} as const satisfies Record<ChannelKind, readonly string[]>;
export const FEED_CHANNELS = ['rss', 'reddit', 'youtube', 'review', 'forum'] as const;
const Url = z.string().trim().max(2000).refine((u) => { try { return /^https?:$/.test(new URL(u).protocol); } catch { return false; } }, 'give an http:// or https:// address');
const Secret = z.string().trim().min(4, 'a secret has at least 4 characters').max(4000).optional();
const PlatformId = z.string().trim().regex(/^[0-9]{1,30}$/, 'a platform account id is digits (the numeric id, not the handle)');
const MetaFields = {
  name: Name, account_id: PlatformId, api_base: Url.optional(),
  secrets: z.object({ app_secret: Secret, verify_token: Secret, access_token: Secret }).strict().default({}),
};
/** What an admin types for a channel; secrets left out (or empty) keep the stored ones. */
export const ChannelInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('x'), name: Name,
    account_id: PlatformId, handle: z.string().trim().regex(/^@?[A-Za-z0-9_]{1,15}$/, 'an X handle is 1 to 15 letters, digits or _').transform((h) => h.replace(/^@/, '')),
    api_base: Url.optional(),
    secrets: z.object({ consumer_secret: Secret, bearer_token: Secret }).strict().default({}),
  }).strict(),
  z.object({ kind: z.literal('facebook'), ...MetaFields }).strict(),
  z.object({ kind: z.literal('instagram'), ...MetaFields }).strict(),
  z.object({
    kind: z.literal('feed'), name: Name, url: Url, channel: z.enum(FEED_CHANNELS),
    interval_minutes: z.number().int().min(1, 'poll at most once a minute').max(1440).default(15),
  }).strict(),
]);
export type ChannelInput = z.input<typeof ChannelInputSchema>;
export const ChannelHealthSchema = z.object({
  /** last post received on this channel (a webhook delivery or a feed item), since the hub started */
  last_delivery_at: z.string().nullable(),
  /** the last failure: a refused delivery, a failed poll, a reply the platform refused */
  last_error: z.object({ at: z.string(), message: z.string() }).nullable(),
  /** deliveries and items refused or skipped since the hub started, by reason */
  refused: z.record(z.string(), z.number().int()),
  stored: z.number().int(),
  /** when this hub started counting (its start): health is held by the running hub, so what came before is not known */
  counted_since: z.string(),
});
export const AdminChannelSchema = z.object({
  id: z.string(),
  kind: ChannelKindSchema,
  name: z.string(),
  /** non-secret settings (account id, handle, url, feed channel, interval, API address) */
  settings: z.record(z.string(), z.unknown()),
  /** each secret: set or not, and its last 4 characters */
  secrets: z.record(z.string(), z.object({ set: z.boolean(), last4: z.string().nullable() })),
  /** the connector uses it now; false when environment variables win, or it is missing a secret */
  active: z.boolean(),
  /** why not active: the environment variables that win, a missing secret, a key that cannot read it */
  inactive_reason: z.string().nullable(),
  /** where the platform delivers (webhooks), relative to the hub's address */
  webhook_path: z.string().nullable(),
  health: ChannelHealthSchema,
  updated_at: z.string(),
});
export type AdminChannel = z.infer<typeof AdminChannelSchema>;
export const ChannelsResponseSchema = z.object({
  channels: z.array(AdminChannelSchema),
  /** channels configured by environment variables (they win over the app's): which variables, and their health */
  environment: z.array(z.object({ kind: ChannelKindSchema, variables: z.array(z.string()), detail: z.string(), health: ChannelHealthSchema })),
  /** the demo can send a test post through the platform stand-in */
  demo: z.boolean(),
  /** where the key that encrypts the secrets comes from */
  key_source: z.string(),
});
export const ChannelResponseSchema = z.object({ channel: AdminChannelSchema });
export const ChannelTestResponseSchema = z.object({ ok: z.boolean(), detail: z.string() });

// ---- surveys and return on care (hub/metrics settings) ------------------------------------------

export const SURVEY_DELIVERIES = ['private', 'private_else_public', 'public'] as const;
/** A survey question's own words: {first_name} and {brand} are filled in; it must say how to answer (1 to 5). */
const Wording = z.string().trim().min(10, 'the question is at least 10 characters').max(240, 'a question fits one post: at most 240 characters (X counts 280, with the greeting)')
  .refine((t) => /(^|\D)1(\D|$)/.test(t) && /(^|\D)5(\D|$)/.test(t), 'say how to answer: a number from 1 to 5 (the hub reads 1–5 in the reply)')
  .nullable();
export const SurveySettingsSchema = z.object({
  csat: z.object({ ask: z.boolean(), wording: Wording }).strict(),
  effort: z.object({ ask: z.boolean(), wording: Wording }).strict(),
  /**
   * where the questions go: a private message where the platform allows it (X direct messages, a
   * conversation that is private already), and else not at all (`private`) or as a public reply
   * (`private_else_public`); or always where the customer wrote (`public`: the public reply of before)
   */
  delivery: z.enum(SURVEY_DELIVERIES),
  /** minutes after the resolve (0: at once) */
  delay_minutes: z.number().int().min(0).max(10_080, 'at most a week (10080 minutes)'),
}).strict();
export type SurveySettings = z.infer<typeof SurveySettingsSchema>;
/** Return-on-care costs as hub/metrics/roi.ts reads them (the report's cost saved and care cost). */
export const RoiSettingsViewSchema = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  cost_per_contact: z.object({ phone: z.number().nonnegative(), email: z.number().nonnegative(), social: z.number().nonnegative() }).strict(),
  call_substitution_rate: z.number().min(0).max(1),
  call_tag: z.string().min(1).max(64),
}).strict();
/** A change of some of the costs: the hub merges it into the ones it has (hub/metrics/roi.ts). */
export const RoiPatchSchema = RoiSettingsViewSchema.partial().extend({ cost_per_contact: RoiSettingsViewSchema.shape.cost_per_contact.partial().optional() }).strict();
export const MetricsSettingsViewSchema = z.object({
  roi: RoiSettingsViewSchema, surveys: SurveySettingsSchema, calendar: z.unknown(), sla: z.unknown(),
  /** whether this hub sends surveys at all (the CLI does unless started with --no-surveys) */
  surveys_sent: z.boolean().optional(),
});
/**
 * PUT /v1/metrics/settings: the parts to change, each checked whole before anything is written (the
 * hub merges `roi` into the costs it has, so any of them may be left out; `calendar` and `sla` are
 * the metrics' own and checked by hub/metrics/store.ts).
 */
export const MetricsSettingsBodySchema = z.object({
  roi: RoiPatchSchema.optional(),
  surveys: SurveySettingsSchema.optional(),
  calendar: z.unknown().optional(),
  sla: z.unknown().optional(),
}).strict();
/** The question as the customer reads it: the default's words, or the workspace's with {first_name} and {brand} filled in. */
export function surveyText(kind: 'csat' | 'effort', wording: string | null, opts: { firstName?: string | null; brand?: string | null } = {}): string {
  const hi = opts.firstName ? `Thanks, ${opts.firstName}! ` : 'Thanks! ';
  if (wording) return `${hi}${wording.replace(/\{first_name\}/g, opts.firstName ?? 'there').replace(/\{brand\}/g, opts.brand ?? 'us')}`;
  if (kind === 'csat') {
    const who = opts.brand ? ` with ${opts.brand}` : '';
    return `${hi}How satisfied are you with the help you got${who} today? Reply with a number from 1 (very unsatisfied) to 5 (very satisfied).`;
  }
  return `${hi}How easy was it to get your issue solved? Reply with a number from 1 (very difficult) to 5 (very easy).`;
}

// ---- the table --------------------------------------------------------------------------------

const Ok = z.object({ ok: z.literal(true) });

export const ADMIN_ROUTES = {
  adminTeams: { method: 'GET', path: '/v1/admin/teams', response: TeamsResponseSchema },
  adminCreateTeam: { method: 'POST', path: '/v1/admin/teams', body: CreateTeamSchema, response: TeamResponseSchema },
  adminRenameTeam: { method: 'PUT', path: '/v1/admin/teams/:id', params: IdParams, body: RenameTeamSchema, response: TeamResponseSchema },
  adminArchiveTeam: { method: 'POST', path: '/v1/admin/teams/:id/archive', params: IdParams, response: TeamResponseSchema },
  adminRestoreTeam: { method: 'POST', path: '/v1/admin/teams/:id/restore', params: IdParams, response: TeamResponseSchema },

  adminAgents: { method: 'GET', path: '/v1/admin/agents', response: AgentsResponseSchema },
  adminCreateAgent: { method: 'POST', path: '/v1/admin/agents', body: CreateAgentSchema, response: AgentResponseSchema },
  adminUpdateAgent: { method: 'PUT', path: '/v1/admin/agents/:id', params: IdParams, body: UpdateAgentSchema, response: AgentResponseSchema },
  /** a new temporary password or a new sign-up link; the person's sessions end */
  adminResetAgent: { method: 'POST', path: '/v1/admin/agents/:id/reset', params: IdParams, body: AccessSchema, response: AgentResponseSchema },

  /** the rules editor's try-it box and the SLA screen's preview (hub/routing); the rules and SLA policies themselves are HUB_ROUTES rows */
  tryRules: { method: 'POST', path: '/v1/routing/rules/try', body: TryPostSchema, response: TryRouteSchema },
  slaPreview: { method: 'POST', path: '/v1/routing/sla/preview', body: SlaPreviewRequestSchema, response: SlaPreviewSchema },

  adminCustomers: { method: 'GET', path: '/v1/admin/customers', query: CustomerSearchSchema, response: CustomerMatchesSchema },
  adminExportCustomer: { method: 'GET', path: '/v1/admin/customers/:id/export', params: IdParams, response: CustomerExportSchema },
  adminEraseCustomer: { method: 'POST', path: '/v1/admin/customers/:id/erase', params: IdParams, body: EraseCustomerSchema, response: ErasedSchema },

  setupStatus: { method: 'GET', path: '/v1/setup', response: SetupStatusSchema, public: true },
  setup: { method: 'POST', path: '/v1/setup', body: FirstRunSchema, response: FirstRunDoneSchema, public: true },
  adminChecklist: { method: 'GET', path: '/v1/admin/checklist', response: ChecklistSchema },

  /** X, Facebook, Instagram accounts and feeds (hub/connectors: stored with their secrets encrypted, applied without a restart) */
  adminChannels: { method: 'GET', path: '/v1/admin/channels', response: ChannelsResponseSchema },
  adminCreateChannel: { method: 'POST', path: '/v1/admin/channels', body: ChannelInputSchema, response: ChannelResponseSchema },
  adminUpdateChannel: { method: 'PUT', path: '/v1/admin/channels/:id', params: IdParams, body: ChannelInputSchema, response: ChannelResponseSchema },
  adminDeleteChannel: { method: 'DELETE', path: '/v1/admin/channels/:id', params: IdParams, response: Ok },
  /** the demo: a test post through the platform stand-in (signed as the platform signs it), or a feed polled now */
  adminTestChannel: { method: 'POST', path: '/v1/admin/channels/:id/test', params: IdParams, response: ChannelTestResponseSchema },


  canned: { method: 'GET', path: '/v1/canned', response: CannedListSchema },
  createCanned: { method: 'POST', path: '/v1/canned', body: CreateCannedSchema, response: CannedOneSchema },
  updateCanned: { method: 'PUT', path: '/v1/canned/:id', params: IdParams, body: UpdateCannedSchema, response: CannedOneSchema },
  deleteCanned: { method: 'DELETE', path: '/v1/canned/:id', params: IdParams, response: Ok },
  /** one insertion of a canned response (its usage count) */
  cannedUsed: { method: 'POST', path: '/v1/canned/:id/used', params: IdParams, response: Ok },
  /** macros (issue 15): the caller's own and their teams' (supervisors and admins: every team's); the desktop caches them to run offline */
  macros: { method: 'GET', path: '/v1/macros', response: MacroListSchema },
  /** a team macro: supervisors and admins; a personal one: anyone */
  createMacro: { method: 'POST', path: '/v1/macros', body: CreateMacroSchema, response: MacroOneSchema },
  updateMacro: { method: 'PUT', path: '/v1/macros/:id', params: IdParams, body: UpdateMacroSchema, response: MacroOneSchema },
  deleteMacro: { method: 'DELETE', path: '/v1/macros/:id', params: IdParams, response: Ok },
  /** one run of a macro (its usage count) */
  macroUsed: { method: 'POST', path: '/v1/macros/:id/used', params: IdParams, response: Ok },
  agentSettings: { method: 'GET', path: '/v1/account/settings', response: AgentSettingsSchema },
  saveAgentSetting: { method: 'PUT', path: '/v1/account/settings/:key', params: AgentSettingParams, body: AgentSettingBody, response: Ok },
  // ---- access (hub/accounts, issue 11): sessions, disabling, sign-in lockouts, the audit log; admins only
  adminAgentSessions: { method: 'GET', path: '/v1/admin/agents/:id/sessions', params: IdParams, response: SessionListSchema },
  /** every session of the agent ends, and every stream opened under them closes */
  adminRevokeAgentSessions: { method: 'POST', path: '/v1/admin/agents/:id/sessions/revoke', params: IdParams, response: RevokeResponseSchema },
  adminRevokeSession: { method: 'DELETE', path: '/v1/admin/sessions/:id', params: IdParams, response: RevokeResponseSchema },
  /** no sign-in from now on; every session revoked and every stream closed at once */
  adminDisableAgent: { method: 'POST', path: '/v1/admin/agents/:id/disable', params: IdParams, response: AgentStatusResponseSchema },
  adminEnableAgent: { method: 'POST', path: '/v1/admin/agents/:id/enable', params: IdParams, response: AgentStatusResponseSchema },
  adminLockouts: { method: 'GET', path: '/v1/admin/lockouts', response: LockoutListSchema },
  adminLiftLockout: { method: 'POST', path: '/v1/admin/lockouts/lift', body: LiftLockoutRequestSchema, response: LiftLockoutResponseSchema },
  adminAudit: { method: 'GET', path: '/v1/admin/audit', query: AuditQuerySchema, response: AuditPageSchema },
  /** a file: `format=csv` (default) or `json`, with the filters of adminAudit but no paging */
  adminAuditExport: { method: 'GET', path: '/v1/admin/audit/export', query: AuditQuerySchema.omit({ before: true, limit: true }).extend({ format: z.enum(['csv', 'json']).default('csv') }), response: z.string() },

  /** approvals for public replies (hub/approvals): the rules (admins change, supervisors read) and the holds other features add (crisis mode) */
  approvalSettings: { method: 'GET', path: '/v1/admin/approvals', response: ApprovalSettingsViewSchema },
  setApprovalSettings: { method: 'PUT', path: '/v1/admin/approvals', body: ApprovalRulesSchema, response: ApprovalSettingsViewSchema },

  /** schedules (issue 15, hub/staffing): agents' shifts; supervisors and admins read and change them; changes are audited */
  shifts: { method: 'GET', path: '/v1/staffing/shifts', query: ShiftsQuerySchema, response: ShiftListSchema },
  createShift: { method: 'POST', path: '/v1/staffing/shifts', body: ShiftInputSchema, response: ShiftOneSchema },
  updateShift: { method: 'PUT', path: '/v1/staffing/shifts/:id', params: IdParams, body: ShiftInputSchema, response: ShiftOneSchema },
  deleteShift: { method: 'DELETE', path: '/v1/staffing/shifts/:id', params: IdParams, response: Ok },
  /** a CSV of shifts (agent_email,start,end[,activity]): all or nothing, every bad row named */
  importShifts: { method: 'POST', path: '/v1/staffing/shifts/import', body: ImportShiftsSchema, response: ImportShiftsResponseSchema },
  /** the SLA target, shrinkage, occupancy cap, concurrency and handle time the Floor's required agents use (admins change them) */
  staffingSettings: { method: 'GET', path: '/v1/staffing/settings', response: StaffingSettingsViewSchema },
  setStaffingSettings: { method: 'PUT', path: '/v1/staffing/settings', body: StaffingSettingsBodySchema, response: StaffingSettingsViewSchema },

  account: { method: 'GET', path: '/v1/account', response: AccountResponseSchema },
  changePassword: { method: 'POST', path: '/v1/account/password', body: ChangePasswordSchema, response: Ok },
  acceptInvite: { method: 'POST', path: '/v1/auth/invite', body: AcceptInviteSchema, response: AcceptInviteResponseSchema, public: true },
} as const satisfies Record<string, HubRoute>;

export type AdminRouteName = keyof typeof ADMIN_ROUTES;

/** The one-time sign-up link the admin hands over: the hub's address, `/join`, and the code after `#` (never sent to a server by a browser). */
export function inviteLink(hubUrl: string, token: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/join#${token}`;
}

/** The hub and the code of a sign-up link, or why it is not one. */
export function parseInviteLink(link: string): { hub_url: string; token: string } | { error: string } {
  let u: URL;
  try { u = new URL(link.trim()); } catch { return { error: 'paste the whole sign-up link, starting with http:// or https://' }; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: 'a sign-up link starts with http:// or https://' };
  const token = decodeURIComponent(u.hash.replace(/^#/, '').replace(/^invite=/, ''));
  if (token.length < 10) return { error: 'the link has no sign-up code: copy all of it, with the part after #' };
  return { hub_url: `${u.origin}${u.pathname.replace(/\/join\/?$/, '').replace(/\/+$/, '')}`, token };
}
