/**
 * Live state pushed by the hub through the core's 'routing.push' and 'floor.changed' events:
 * the offer waiting for an answer, who is viewing/typing where, presence changes, messages
 * from a supervisor. Not cached data: it lives only while the app runs.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Floor } from '../../../shared/contract/supervisor';
import type { Offer, PresenceEntry, RoutingPush } from '../../../shared/contract/routing';
import { adminKey } from '../api/admin';
import { transport } from '../api/client';
import { keys, queryClient } from '../api/queries';
import { notifyAgent } from './notify';
import { newSpikeAlerts, spikeNotice } from '../features/SpikeAlerts';
import { crisesChanged } from '../features/Crisis';
import { useUi } from './store';

export interface AgentMessage { from_name: string; text: string; at: string }

export type LiveOffer = Offer & { priority: string };

interface LiveState {
  /** offers waiting for an answer, the one that expires first first */
  offers: LiveOffer[];
  /** other agents on each conversation */
  onConversation: Record<string, PresenceEntry[]>;
  /** latest presence per agent, from pushes (supervisors see everyone's) */
  presence: Record<string, { activity_id: string; routable: boolean }>;
  messages: AgentMessage[];
  apply(p: RoutingPush): void;
  dropOffer(id: string): void;
  dismissMessage(): void;
}

const byExpiry = (a: LiveOffer, b: LiveOffer) => a.expires_at - b.expires_at;

export const useLive = create<LiveState>((set) => ({
  offers: [],
  onConversation: {},
  presence: {},
  messages: [],
  apply: (p) => set((s) => {
    switch (p.type) {
      case 'offer': return { offers: [...s.offers.filter((o) => o.id !== p.offer.id), { ...p.offer, priority: p.conversation.priority }].sort(byExpiry) };
      case 'offer_closed': return { offers: s.offers.filter((o) => o.id !== p.offer_id) };
      case 'collision': return { onConversation: { ...s.onConversation, [p.conversation_id]: p.agents } };
      case 'presence': return { presence: { ...s.presence, [p.agent_id]: { activity_id: p.activity_id, routable: p.routable } } };
      case 'agent_message': return { messages: [...s.messages, { from_name: p.from_name, text: p.text, at: typeof p.at === 'number' ? new Date(p.at).toISOString() : p.at }] };
      default: return {};
    }
  }),
  dropOffer: (id) => set((s) => ({ offers: s.offers.filter((o) => o.id !== id) })),
  dismissMessage: () => set((s) => ({ messages: s.messages.slice(1) })),
}));

/** Subscribes once, at the root, to the core's live events. */
export function useLiveEvents(): void {
  useEffect(() => {
    const offPush = transport.on('routing.push', (raw) => {
      const p = raw as RoutingPush;
      useLive.getState().apply(p);
      if (p.type === 'presence') void queryClient.invalidateQueries({ queryKey: keys.presence });
      if (p.type === 'offer') {
        useUi.getState().announce('A conversation is offered to you');
        notifyAgent({ title: 'A conversation for you', body: `${p.conversation.priority} priority · Shift+A accepts, Shift+X rejects`, tag: `offer-${p.offer.id}` });
      }
      if (p.type === 'agent_message') {
        useUi.getState().announce(`Message from ${p.from_name}: ${p.text}`);
        notifyAgent({ title: `Message from ${p.from_name}`, body: p.text, tag: `message-${String(p.at)}` });
      }
      if (p.type === 'mention') {
        useUi.getState().announce(`${p.from_name} mentioned you: ${p.text}`);
        notifyAgent({ title: `${p.from_name} mentioned you`, body: p.text, tag: `mention-${p.note_id}` });
      }
      if (p.type === 'sla' && p.event === 'breach') useUi.getState().announce('An SLA was breached');
      if (p.type === 'crisis') {
        void crisesChanged();
        useUi.getState().announce(p.event === 'started' ? `Crisis mode on: ${p.topic}` : `Crisis mode off: ${p.topic}`);
      }
      if (p.type === 'insight') {
        void queryClient.invalidateQueries({ queryKey: keys.insights });
        if (p.event === 'created') useUi.getState().announce('A new department insight');
      }
    });
    const offFloor = transport.on('floor.changed', (raw) => {
      const f = raw as Floor;
      const before = queryClient.getQueryData<Floor>(keys.floor)?.approvals_pending;
      queryClient.setQueryData(keys.floor, f);
      // a reply was held for approval or decided: the approvers' list reads again at once (features/Approvals.tsx)
      if (f.approvals_pending !== before) void queryClient.invalidateQueries({ queryKey: adminKey('approvalQueue', {}) });
      // a spike alert raised: supervisors hear of it wherever they are in the app
      for (const a of newSpikeAlerts(f.alerts ?? [])) {
        const n = spikeNotice(a);
        useUi.getState().announce(`${n.title}: ${n.body}`);
        notifyAgent({ title: n.title, body: n.body, tag: `spike-${a.id}` });
      }
    });
    // (Re)connected: what was pushed meanwhile is lost, so read presence and the floor again.
    const offLive = transport.on('live.changed', () => {
      void queryClient.invalidateQueries({ queryKey: keys.presence });
      void queryClient.invalidateQueries({ queryKey: keys.floor });
      void queryClient.invalidateQueries({ queryKey: keys.insights });
      void crisesChanged();
    });
    return () => { offPush(); offFloor(); offLive(); };
  }, []);
}
