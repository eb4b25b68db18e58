/**
 * Canned responses: short texts an agent inserts by `;shortcode` or from the palette.
 * Variables in {{double.braces}} are filled from the conversation at insert time.
 * Kept in settings ('canned.responses'); these are the defaults a new workspace starts with.
 */
import { z } from 'zod';

export const CannedResponseSchema = z.object({
  shortcode: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'shortcode: 1-32 of a-z, 0-9, _ and -'),
  title: z.string().min(1).max(100),
  text: z.string().min(1).max(5000),
});
export type CannedResponse = z.infer<typeof CannedResponseSchema>;
export const CannedResponsesSchema = z.array(CannedResponseSchema).max(500);

export const DEFAULT_CANNED: CannedResponse[] = [
  { shortcode: 'thanks', title: 'Thanks for reaching out', text: 'Hi {{customer.first_name}}, thanks for reaching out! {{agent.first_name}} here, happy to help.' },
  { shortcode: 'dm', title: 'Move to private message', text: 'Hi {{customer.first_name}}, sorry to hear that. Could you send us a private message with your order number so we can look into it? ^{{agent.initials}}' },
  { shortcode: 'refund', title: 'Refund under way', text: 'Hi {{customer.first_name}}, your refund is on its way and should reach you within 5 business days. ^{{agent.initials}}' },
  { shortcode: 'sorry', title: 'Apology', text: 'We are really sorry for the trouble, {{customer.first_name}}. We are on it and will update you shortly. ^{{agent.initials}}' },
  { shortcode: 'fixed', title: 'Issue fixed', text: 'Good news {{customer.first_name}}: this should be fixed now. Let us know if anything still looks off! ^{{agent.initials}}' },
  { shortcode: 'bye', title: 'Closing', text: 'Glad we could help, {{customer.first_name}}. Have a great day! ^{{agent.initials}}' },
];

export interface CannedContext {
  customer: { name: string; handle?: string };
  agent: { name: string };
}

function firstName(name: string): string {
  const clean = name.replace(/^@/, '').trim();
  return clean.split(/\s+/)[0] ?? clean;
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).map((p) => p[0]!.toUpperCase()).join('');
}

/** Fills {{variables}}; an unknown variable is left as written so the agent sees it. */
export function expandCanned(text: string, ctx: CannedContext): string {
  const vars: Record<string, string> = {
    'customer.name': ctx.customer.name,
    'customer.first_name': firstName(ctx.customer.name),
    'customer.handle': ctx.customer.handle ?? '',
    'agent.name': ctx.agent.name,
    'agent.first_name': firstName(ctx.agent.name),
    'agent.initials': initials(ctx.agent.name),
  };
  return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * If the text just before the caret is `;shortcode` naming a canned response, returns the
 * text with it replaced (expanded) and the new caret position; otherwise null.
 */
export function applyShortcode(
  text: string, caret: number, canned: CannedResponse[], ctx: CannedContext,
): { text: string; caret: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s);([a-z0-9_-]{1,32})$/.exec(before);
  if (!m) return null;
  const found = canned.find((c) => c.shortcode === m[2]);
  if (!found) return null;
  const start = caret - m[2]!.length - 1;
  const insert = expandCanned(found.text, ctx);
  return { text: text.slice(0, start) + insert + text.slice(caret), caret: start + insert.length };
}
