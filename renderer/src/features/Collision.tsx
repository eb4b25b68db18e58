/**
 * Collision control on the thread: this desktop tells the hub the agent is viewing (and typing
 * in) the conversation; the hub pushes who else is, and the thread shows "Bo is typing".
 */
import { Eye, PenLine } from 'lucide-react';
import { useEffect, useState } from 'react';
import { signal } from '../api/mutations';
import { useSession } from '../api/queries';
import { useLive } from '../app/live';

const VIEWING_EVERY_MS = 10_000; // the hub forgets a viewer after 15 s
const TYPING_EVERY_MS = 3_000; // …and a typist after 6 s

/** While a conversation is open: "viewing" now and every 10 s, "leave" when it closes. */
export function useViewingHeartbeat(conversationId: string | null): void {
  useEffect(() => {
    if (!conversationId) return;
    // best effort: offline simply shows nobody
    const beat = () => signal('collision.heartbeat', { conversation_id: conversationId, activity: 'viewing' });
    beat();
    const timer = setInterval(beat, VIEWING_EVERY_MS);
    return () => {
      clearInterval(timer);
      signal('collision.heartbeat', { conversation_id: conversationId, activity: 'leave' });
    };
  }, [conversationId]);
}

let lastTyping = { id: '', at: 0 };
/** Called on every keystroke in the composer; tells the hub at most every 3 s. */
export function typingHeartbeat(conversationId: string): void {
  const now = Date.now();
  if (lastTyping.id === conversationId && now - lastTyping.at < TYPING_EVERY_MS) return;
  lastTyping = { id: conversationId, at: now };
  signal('collision.heartbeat', { conversation_id: conversationId, activity: 'typing' });
}

export function Viewers({ conversationId }: { conversationId: string }) {
  const entries = useLive((s) => s.onConversation[conversationId]);
  const session = useSession().data;
  const [now, setNow] = useState(Date.now());
  const others = (entries ?? []).filter((e) => e.agent_id !== session?.agent?.id && e.expires_at > now);
  // Tick only while someone is shown, so their entry disappears when it lapses.
  useEffect(() => {
    if (!entries?.length) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [entries]);
  if (others.length === 0) return null;
  const name = (id: string) => session?.agents.find((a) => a.id === id)?.name ?? 'Someone';
  const text = others.map((e) => `${name(e.agent_id)} is ${e.activity}`).join(', ');
  const Icon = others.some((e) => e.activity === 'typing') ? PenLine : Eye;
  return <div className="viewers warn" role="status" aria-label="Others on this conversation"><Icon size={14} aria-hidden="true" /> {text}</div>;
}
