/**
 * Sending from the composer, as one react-query mutation: a reply (public or private) goes to
 * the outbox (it leaves when online), a note is added; "and resolve" resolves and lands on the
 * next conversation with the composer ready. Too long for the channel is refused here, and
 * personal data in a public reply asks first.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { DesktopResponse } from '../../../../shared/contract/desktop';
import type { ChannelCount } from '../../../../shared/text/channel-length';
import { personalDataWarning } from '../../../../shared/text/personal-data';
import { act } from '../../api/mutations';
import { leaveList } from '../../app/actions';
import { CHANNEL_LABEL } from '../../app/format';
import { useUi } from '../../app/store';
import type { Mode } from './useDraftAutosave';

type Data = DesktopResponse<'conversation.get'>;
export interface SendInput { resolve: boolean; confirmed?: boolean }
/** Personal data in a public reply: the agent decides (edit, make it private, post anyway). */
export interface PendingConfirm { resolve: boolean; warning: string }

export function useSendReply(opts: {
  data: Data; mode: Mode; text: string; count: ChannelCount;
  /** the extra reply.send fields of the collision gate */
  gateArgs(): { seen_up_to?: string; confirm_collision?: string; refusal_seen?: string | null };
  /** the newest refused note the composer showed (note.add takes the note draft it came from) */
  noteRefusalSeen(): string | null;
  beforeSend(): void; sent(resolved: boolean): void; failed(message: string): void;
}) {
  const [confirm, setConfirm] = useState<PendingConfirm | null>(null);
  const c = opts.data.conversation;
  const mutation = useMutation({
    mutationKey: ['composer.send', c.id],
    mutationFn: async ({ resolve }: SendInput): Promise<boolean> => {
      const body = opts.text.trim();
      const { mode } = opts;
      if (mode === 'note') {
        await act('note.add', { conversation_id: c.id, text: body, refusal_seen: opts.noteRefusalSeen() });
        if (resolve) return leaveList((id) => act('conversation.setStatus', { conversation_id: id, status: 'resolved' }), 'Note added and resolved', { composer: true });
        return true;
      }
      const req = { text: body, visibility: mode, ...opts.gateArgs() };
      if (resolve) return leaveList((id) => act('reply.send', { conversation_id: id, ...req, resolve: true }), 'Sent and resolved', { composer: true });
      await act('reply.send', { conversation_id: c.id, ...req, resolve: false });
      useUi.getState().announce(mode === 'private' ? 'Private message queued' : 'Reply queued');
      return true;
    },
    onSuccess: (done, { resolve }) => { if (done) opts.sent(resolve); },
    onError: (e: Error) => opts.failed(e.message),
  });

  const send = ({ resolve, confirmed = false }: SendInput) => {
    const body = opts.text.trim();
    if (!body || mutation.isPending) return;
    if (opts.mode !== 'note' && opts.count.over) { opts.failed(`Too long for ${CHANNEL_LABEL[c.channel]}: ${opts.count.count}/${opts.count.limit}`); return; }
    const warning = opts.mode === 'public' ? personalDataWarning(opts.text) : null;
    if (warning && !confirmed) { setConfirm({ resolve, warning }); return; }
    opts.beforeSend();
    mutation.mutate({ resolve });
  };

  return { send, busy: mutation.isPending, confirm, setConfirm };
}
