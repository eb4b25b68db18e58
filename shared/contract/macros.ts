/**
 * Macros (issue 15): a named sequence of steps an agent runs on a conversation by one key or from the
 * palette — reply from a canned response, add/remove tags, set a status or snooze, assign, add a
 * note. A macro is the team's (`team_id`: its members see it; supervisors and admins change it) or
 * the caller's own. The hub keeps them (hub/admin/macros.ts, rows of ADMIN_ROUTES); the desktop
 * caches them so they run offline, expands a macro into ordinary outbox mutations
 * (main/core/actions/expand.ts) and holds them for the undo window.
 */
import { z } from 'zod';
import { LIMITS } from '../domain';

const tag = z.string().trim().min(1).max(LIMITS.tag);
const id = z.string().min(1).max(200);

export const MacroStepSchema = z.discriminatedUnion('kind', [
  /** a reply from the canned response with this shortcode, its {{variables}} filled for the conversation */
  z.object({ kind: z.literal('reply'), canned: z.string().trim().regex(/^[a-z0-9_-]{1,32}$/, 'name a canned response by its shortcode'), visibility: z.enum(['public', 'private']).default('public') }).strict(),
  z.object({ kind: z.literal('tag'), add: z.array(tag).max(20).default([]), remove: z.array(tag).max(20).default([]) }).strict()
    .refine((s) => s.add.length + s.remove.length > 0, 'a tag step adds or removes at least one tag'),
  z.object({ kind: z.literal('status'), status: z.enum(['open', 'pending', 'resolved']) }).strict(),
  /** snoozed for this many hours from the moment the macro runs */
  z.object({ kind: z.literal('snooze'), hours: z.number().int().min(1, 'snooze for at least an hour').max(24 * 30, 'snooze for at most 30 days') }).strict(),
  /** to the agent running it ('me'), to an agent by id, or back to a team's queue (`agent: null`, `team_id` required) */
  z.object({ kind: z.literal('assign'), agent: z.union([z.literal('me'), id]).nullable(), team_id: id.nullable().default(null) }).strict()
    .refine((s) => s.agent !== null || s.team_id !== null, 'unassigning needs the team whose queue takes the conversation'),
  z.object({ kind: z.literal('note'), text: z.string().trim().min(1, 'the note is empty').max(LIMITS.noteText) }).strict(),
]);
export type MacroStep = z.output<typeof MacroStepSchema>;
export type MacroStepKind = MacroStep['kind'];

/** Combos as the desk's keymap writes them ("$mod+1", "Shift+F2"); the desk also checks it is free and layout-safe. */
const KeySchema = z.string().trim().min(1).max(40).regex(/^[A-Za-z$+]*[^\s]$/, 'a key is a combo like $mod+1');

export const MacroSchema = z.object({
  id: z.string(),
  name: z.string(),
  key: z.string().nullable(),
  scope: z.enum(['team', 'personal']),
  /** the team of a team macro; null for a personal one */
  team_id: z.string().nullable(),
  steps: z.array(MacroStepSchema),
  uses: z.number().int(),
  updated_at: z.string(),
});
export type Macro = z.infer<typeof MacroSchema>;

const MacroFields = {
  name: z.string().trim().min(1, 'give the macro a name').max(100),
  key: KeySchema.nullable().default(null),
  steps: z.array(MacroStepSchema).min(1, 'a macro has at least one step').max(20, 'a macro has at most 20 steps')
    .refine((steps) => steps.filter((s) => s.kind === 'reply').length <= 1, 'a macro sends at most one reply')
    .refine((steps) => steps.filter((s) => s.kind === 'status' || s.kind === 'snooze').length <= 1, 'a macro sets the status once (a status or a snooze step)'),
};
export const CreateMacroSchema = z.object({
  ...MacroFields,
  scope: z.enum(['team', 'personal']),
  team_id: id.nullable().default(null),
}).strict().refine((m) => (m.scope === 'team') === (m.team_id !== null), { message: 'a team macro names its team; a personal one none', path: ['team_id'] });
export const UpdateMacroSchema = z.object({ name: MacroFields.name, key: KeySchema.nullable(), steps: MacroFields.steps }).partial().strict();
export const MacroListSchema = z.object({ macros: z.array(MacroSchema) });
export const MacroOneSchema = z.object({ macro: MacroSchema });
