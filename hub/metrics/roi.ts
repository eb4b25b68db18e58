/**
 * Return on care: what answering on social channels saves against the phone.
 *
 *   calls avoided = social conversations resolved without a call × call substitution rate
 *   cost saved    = calls avoided × (cost per phone contact − cost per social contact)
 *
 * "Resolved without a call" is measured: a resolved social conversation that agents did not tag
 * with the workspace's call tag (default "moved-to-phone"). The substitution rate is the share of
 * those customers who would otherwise have phoned. Defaults and their sources: README.md.
 */
import { z } from 'zod';
import { RoiPatchSchema, RoiSettingsViewSchema } from '../../shared/contract/admin';
import type { Channel } from '../../shared/domain';

/** The costs as the settings route answers them (shared/contract/admin.ts): one schema for the hub and the surveys screen. */
export const RoiSettingsSchema = RoiSettingsViewSchema;
export type RoiSettings = z.infer<typeof RoiSettingsSchema>;

/** Defaults, cited in hub/metrics/README.md ("Return on care: defaults and sources"). */
export const DEFAULT_ROI_SETTINGS: RoiSettings = {
  currency: 'USD',
  // ContactBabel, US Contact Center HR & Operational Benchmarking Report (2017): $5.25 per inbound call, $4.42 per e-mail.
  // HelpSocial, "Should social customer care be in the contact center?": under $1 per social conversation.
  cost_per_contact: { phone: 5.25, email: 4.42, social: 1.0 },
  // ClickFox (2011): 40 % of customers whose social-media service failed picked up the phone next.
  call_substitution_rate: 0.4,
  call_tag: 'moved-to-phone',
};

/** Validates a partial update against the current settings; throws with the reason, changing nothing. */
export function mergeRoiSettings(current: RoiSettings, patch: unknown): RoiSettings {
  const partial = RoiPatchSchema.safeParse(patch);
  if (!partial.success) throw new Error(`invalid ROI settings: ${z.prettifyError(partial.error)}`);
  const p = partial.data;
  return RoiSettingsSchema.parse({
    ...current,
    ...p,
    cost_per_contact: { ...current.cost_per_contact, ...(p.cost_per_contact ?? {}) },
  });
}

export type ContactKind = 'social' | 'email';

export function contactKind(channel: Channel): ContactKind {
  if (channel === 'email') return 'email';
  return 'social';
}

export interface RoiFigures {
  currency: string;
  cost_per_contact: RoiSettings['cost_per_contact'];
  call_substitution_rate: number;
  social_contacts: number;
  email_contacts: number;
  social_resolved_without_call: number;
  /** Percentage of social conversations resolved without being moved to the phone. */
  share_resolved_without_call_pct: number | null;
  calls_avoided: number;
  /** What the period's social and e-mail contacts cost at the per-contact rates. */
  care_cost: number;
  cost_saved: number;
}

export interface RoiCounts { social: number; email: number; socialResolvedWithoutCall: number }

const money = (x: number): number => Math.round(x * 100) / 100;

export function roiFigures(counts: RoiCounts, s: RoiSettings): RoiFigures {
  const avoided = counts.socialResolvedWithoutCall * s.call_substitution_rate;
  return {
    currency: s.currency,
    cost_per_contact: s.cost_per_contact,
    call_substitution_rate: s.call_substitution_rate,
    social_contacts: counts.social,
    email_contacts: counts.email,
    social_resolved_without_call: counts.socialResolvedWithoutCall,
    share_resolved_without_call_pct: counts.social > 0 ? Math.round((counts.socialResolvedWithoutCall / counts.social) * 1000) / 10 : null,
    calls_avoided: Math.round(avoided * 100) / 100,
    care_cost: money(counts.social * s.cost_per_contact.social + counts.email * s.cost_per_contact.email),
    cost_saved: money(avoided * (s.cost_per_contact.phone - s.cost_per_contact.social)),
  };
}
