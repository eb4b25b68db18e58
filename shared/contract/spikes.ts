/**
 * Spike alerts (issue 15, hub/spikes): a key's volume per 15 minutes far above what is expected for
 * that hour of the week. The hub stores each alert with its state; supervisors and admins list them
 * (GET /v1/spikes/alerts), see them on the Floor (Floor.alerts, pushed live) and acknowledge them.
 */
import { z } from 'zod';

export const SpikeSeveritySchema = z.enum(['watch', 'high', 'critical']);

export const SpikeAlertSchema = z.object({
  id: z.string(),
  /** 'all', 'channel:x', 'topic:delivery', 'intent:complaint', 'keyword:outage' */
  key: z.string(),
  /** raised: in its first interval; ongoing: over the threshold for more than one interval; ended */
  state: z.enum(['raised', 'ongoing', 'ended']),
  severity: SpikeSeveritySchema,
  /** start of the first 15-minute interval over the threshold */
  started_at: z.string(),
  raised_at: z.string(),
  /** when it ended (the end of its last interval over the threshold), null while it lasts */
  ended_at: z.string().nullable(),
  /** minutes from started_at to the end of the last interval over the threshold */
  lasted_min: z.number(),
  /** posts in the peak interval, and what was expected there */
  observed: z.number(),
  expected: z.number(),
  ratio: z.number(),
  /** mean sentiment of the spike's posts minus the key's mean before it; null without sentiment */
  sentiment_shift: z.number().nullable(),
  examples: z.array(z.object({ message_id: z.string(), conversation_id: z.string().nullable(), text: z.string() })),
  terms: z.array(z.object({ term: z.string(), count: z.number(), growth: z.number() })),
  /** narrower keys whose own spike this alert covers */
  covers: z.array(z.string()),
  acknowledged: z.object({ by_id: z.string().nullable(), by_name: z.string(), at: z.string() }).nullable(),
});
export type SpikeAlertView = z.infer<typeof SpikeAlertSchema>;

export const SpikeAlertsQuerySchema = z.object({
  /** open: raised or ongoing; recent: open, or ended in the last 24 hours; all: newest first */
  state: z.enum(['open', 'recent', 'all']).default('recent'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const SpikeAlertsResponseSchema = z.object({ alerts: z.array(SpikeAlertSchema) });
export const SpikeAcknowledgeResponseSchema = z.object({ alert: SpikeAlertSchema });

// ---- crisis mode (hub/spikes/crisis.ts) ------------------------------------------------------------

/**
 * Crisis mode for a topic: a holding statement pinned as the first canned response on the topic's
 * conversations, the topic routed to a chosen team, a banner for every agent. Turned on and off by
 * supervisors and admins; who and when are kept (and in the audit log). At most one per topic at a time.
 */
export const CrisisSchema = z.object({
  id: z.string(),
  topic: z.string(),
  holding_statement: z.string(),
  /** where new conversations of the topic go while it lasts; null: routing unchanged */
  team_id: z.string().nullable(),
  team_name: z.string().nullable(),
  /** the spike alert it was turned on from, if any */
  alert_id: z.string().nullable(),
  started_at: z.string(),
  started_by: z.object({ id: z.string().nullable(), name: z.string() }),
  ended_at: z.string().nullable(),
  ended_by: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
});
export type Crisis = z.infer<typeof CrisisSchema>;
export const CrisisListResponseSchema = z.object({
  active: z.array(CrisisSchema),
  /** ended in the last 7 days, newest first */
  recent: z.array(CrisisSchema),
});
export const StartCrisisSchema = z.object({
  topic: z.string().trim().min(1, 'name the topic').max(100),
  holding_statement: z.string().trim().min(1, 'write or pick a holding statement').max(2000),
  team_id: z.string().min(1).max(200).nullable().default(null),
  alert_id: z.string().min(1).max(200).nullable().default(null),
});
export const CrisisResponseSchema = z.object({ crisis: CrisisSchema });
