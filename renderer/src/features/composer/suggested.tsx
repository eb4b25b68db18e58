/**
 * The slot for suggested replies under the composer's field. `useSuggestedReplies` is the seam:
 * it will return the hub analysis' suggestions for the conversation (work of hub/analysis); until
 * the hub sends any it returns none and the slot renders nothing. Picking one puts its text in
 * the field, to edit before sending: a suggestion is never sent by itself.
 */
import type { DesktopResponse } from '../../../../shared/contract/desktop';

export interface SuggestedReply { id: string; text: string; /** why it is suggested, shown to the agent */ reason?: string }

export function useSuggestedReplies(_data: DesktopResponse<'conversation.get'>): SuggestedReply[] {
  return NONE;
}
const NONE: SuggestedReply[] = [];

export function SuggestedReplies({ items, onUse }: { items: SuggestedReply[]; onUse(item: SuggestedReply): void }) {
  if (items.length === 0) return null;
  return (
    <ul className="suggested-replies" aria-label="Suggested replies">
      {items.map((s) => (
        <li key={s.id}><button type="button" className="suggested" title={s.reason} onClick={() => onUse(s)}>{s.text}</button></li>
      ))}
    </ul>
  );
}
