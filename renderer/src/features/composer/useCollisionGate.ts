/**
 * A reply the hub refused comes back as the draft with the reason. A 'collision' (someone else
 * answered, or is answering) is held until the agent has read the warning and sends again, which
 * carries the hub's confirm token; any other refusal shows its reason. Also says what the agent
 * had on screen (`seen_up_to`), so the hub can tell a reply over a newer message.
 */
import { useEffect, useRef, useState } from 'react';
import type { DesktopResponse, ThreadMessage } from '../../../../shared/contract/desktop';

type Draft = DesktopResponse<'conversation.get'>['draft'];
export type Collision = { message: string; token: string | null; conflicts: NonNullable<NonNullable<Draft>['rejected']>['conflicts'] };

function collisionOf(d: Draft): Collision | null {
  if (d?.rejected?.code !== 'collision') return null;
  return { message: d.rejected.message, token: d.rejected.confirm_token ?? null, conflicts: d.rejected.conflicts };
}
const refusalText = (d: Draft) => (!d?.rejected || d.rejected.code === 'collision' ? null
  // a supervisor rejected the reply that waited for approval: their note, the text back here to rework
  : d.rejected.code === 'approval_rejected' ? `Not approved (${d.rejected.message}). Your text is back: edit it and send again.`
    : `The hub refused this reply: ${d.rejected.message}`);
// Keyed by the refusal itself: saving an edited draft keeps the refusal and must not reset the text.
const refusalKey = (d: Draft) => (d?.rejected ? JSON.stringify(d.rejected) : null);

/** "Ben Osei is writing a reply; Ana Kowalski already replied" (names, where the hub's message has ids). */
export function collisionText(c: Collision, agents: Array<{ id: string; name: string }>): string {
  if (!c.conflicts?.length) return c.message.replace(/\.?\s*Send anyway\?$/, '');
  const name = (id: string) => agents.find((a) => a.id === id)?.name ?? id;
  return c.conflicts.map((x) => (x.kind === 'claimed_by_other' ? `${name(x.agent_id)} is writing a reply` : `${name(x.agent_id)} already replied`)).join('; ');
}

/** `onRefused` gets the text back (and the refusal's id) when a refusal arrives while the composer is open. */
export function useCollisionGate(draft: Draft, onRefused: (text: string, refusalId: string | null) => void) {
  const [collision, setCollision] = useState<Collision | null>(collisionOf(draft));
  const [refusal, setRefusal] = useState<string | null>(refusalText(draft));
  const stamp = useRef(refusalKey(draft));
  useEffect(() => {
    // A refusal that arrives while the composer is open brings the text back with its reason.
    if (!draft?.rejected || refusalKey(draft) === stamp.current) return;
    stamp.current = refusalKey(draft);
    onRefused(draft.text, draft.rejected.id ?? null);
    setCollision(collisionOf(draft));
    setRefusal(refusalText(draft));
  }, [draft]);

  return {
    collision,
    /** the reason of a refusal other than a collision */
    refusal,
    clearRefusal: () => setRefusal(null),
    /** sent: the warning has been answered */
    clear: () => { setCollision(null); setRefusal(null); },
    /** what the agent had on screen, and the go-ahead after a collision warning */
    args(messages: ThreadMessage[]): { seen_up_to?: string; confirm_collision?: string } {
      const seen = messages.filter((m) => m.local_state === 'synced').reduce<string | null>((max, m) => (max === null || m.created_at > max ? m.created_at : max), null);
      return {
        ...(seen && !Number.isNaN(Date.parse(seen)) ? { seen_up_to: new Date(seen).toISOString() } : {}),
        ...(collision?.token ? { confirm_collision: collision.token } : {}),
      };
    },
  };
}
