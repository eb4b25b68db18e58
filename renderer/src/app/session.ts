/**
 * Whose screen this is. Signing out, or another agent signing in, clears every bit of the previous
 * agent's screen state: the open thread and customer, the lists and their filters, offers, messages,
 * toasts, and every cached read, settings included (the keymap and canned responses are the person's).
 *
 * Sign-out never drops work: with unsent replies, notes, changes or drafts it opens the sign-out
 * dialog (features/SignOut.tsx), which asks what to do with them.
 */
import { useEffect } from 'react';
import type { SessionStatus } from '../../../shared/contract/desktop';
import { ApiError, transport } from '../api/client';
import { act } from '../api/mutations';
import { queryClient, unsentQuery } from '../api/queries';
import { useLive } from './live';
import { AGENT_START, useUi } from './store';

/** undefined until the first status is known; null when nobody is signed in */
let current: string | null | undefined;

const keyOf = (s: Pick<SessionStatus, 'logged_in' | 'agent' | 'hub_url'>) => (s.logged_in && s.agent ? `${s.hub_url ?? ''}|${s.agent.id}` : null);

/** Every session status the renderer sees passes here: a different agent (or none) wipes the screen first. */
export function noteSession(s: Pick<SessionStatus, 'logged_in' | 'agent' | 'hub_url'>): void {
  const key = keyOf(s);
  if (current !== undefined && key !== current) forgetScreen();
  current = key;
}

function forgetScreen(): void {
  useUi.setState(AGENT_START);
  useLive.setState({ offers: [], onConversation: {}, presence: {}, messages: [] });
  // settings too: the keymap and canned responses follow the person now (issue 12), not the desktop
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
}

/** At the root: the core tells when the session changes (sign-out, an expired session, a sign-in). */
export function useSessionScreen(session: SessionStatus | undefined): void {
  useEffect(() => transport.on('session.changed', (s) => noteSession(s as SessionStatus)), []);
  useEffect(() => { if (session) noteSession(session); }, [session]);
}

/** The Sign out command: at once when nothing is unsent, else the dialog that asks. */
export async function signOut(): Promise<void> {
  const ui = useUi.getState();
  try {
    const unsent = await queryClient.fetchQuery(unsentQuery());
    if (unsent.total > 0) { ui.open('sign-out'); return; }
    await act('session.logout', {});
  } catch (e) {
    if (e instanceof ApiError && e.code === 'unsent_work') { ui.open('sign-out'); return; }
    ui.announce(e instanceof Error ? e.message : String(e));
  }
}

/** What the sign-in brought back from an earlier sign-out on this desktop, for a toast. */
export function restoredNotice(s: SessionStatus): string | null {
  const r = s.restored;
  if (!r || r.outbox + r.drafts === 0) return null;
  const parts = [r.outbox && `${r.outbox} unsent change${r.outbox === 1 ? '' : 's'} (sending now)`, r.drafts && `${r.drafts} draft${r.drafts === 1 ? '' : 's'}`];
  return `Your kept work is back: ${parts.filter(Boolean).join(' and ')}`;
}
