/**
 * react-query hooks over the contract. The core serves every read from its local cache,
 * so these are fast; core events invalidate exactly what changed.
 */
import { queryOptions, useQueries, useQuery, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DesktopRequest, SessionStatus } from '../../../shared/contract/desktop';
import { CANNED_KEY } from './canned';
import { call, transport } from './client';
import { act } from './mutations';
import { queryClient } from './query-client';

export { queryClient };

export const keys = {
  session: ['session'] as QueryKey,
  shift: ['shift'] as QueryKey,
  counts: ['inbox', 'counts'] as QueryKey,
  inboxPage: (f: InboxFilter, page: number) => ['inbox', 'page', f.tab, f.sort, f.channel ?? '', f.tag ?? '', page] as QueryKey,
  conversation: (id: string) => ['conversation', id] as QueryKey,
  customer: (id: string) => ['customer', id] as QueryKey,
  search: (q: string) => ['search', q] as QueryKey,
  setting: (key: string) => ['setting', key] as QueryKey,
  presence: ['presence'] as QueryKey,
  floor: ['floor'] as QueryKey,
  roster: ['roster'] as QueryKey,
  insights: ['insights'] as QueryKey,
  crisis: ['crisis'] as QueryKey,
  myFigures: ['metrics', 'me'] as QueryKey,
  /** suggestions depend on the thread: the version (message count, last message) is part of the key */
  suggestions: (id: string, version: string) => ['assist', 'suggest', id, version] as QueryKey,
};

export type InboxFilter = Pick<DesktopRequest<'inbox.list'>, 'tab' | 'sort' | 'channel' | 'tag'> & { sort: 'sla' | 'priority' | 'age' };
export const PAGE_SIZE = 200;

/** Subscribes to core events once, at the root. */
export function useCoreEvents(): void {
  useEffect(() => {
    const offData = transport.on('data.changed', (p) => {
      const { conversation_ids, inbox, customer_ids } = p as { conversation_ids: string[]; inbox: boolean; customer_ids?: string[] };
      if (inbox) void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      for (const id of conversation_ids) void queryClient.invalidateQueries({ queryKey: keys.conversation(id) });
      if (conversation_ids.length || customer_ids?.length) void queryClient.invalidateQueries({ queryKey: ['customer'] });
      // the thread's header shows the customer too
      if (customer_ids?.length) void queryClient.invalidateQueries({ queryKey: ['conversation'] });
    });
    const offSession = transport.on('session.changed', (s) => {
      const was = queryClient.getQueryData<SessionStatus>(keys.session);
      queryClient.setQueryData(keys.session, s);
      // the hub is back: what the core could only answer from its cache meanwhile is asked again
      // (right after a sign-in the canned responses are read before the hub answers, and ;shortcode
      // would find none until they went stale a minute later)
      if ((s as SessionStatus).online && was && !was.online) void queryClient.invalidateQueries({ queryKey: CANNED_KEY });
    });
    const offConn = transport.onConnection((up) => { if (up) void queryClient.invalidateQueries(); });
    return () => { offData(); offSession(); offConn(); };
  }, []);
}

/** What signing out would leave behind; read fresh each time (the sign-out dialog). */
export const unsentQuery = () => queryOptions({ queryKey: ['session', 'unsent'] as QueryKey, queryFn: () => call('session.unsent', {}), staleTime: 0 });
export const useUnsent = () => useQuery(unsentQuery());

export const useSession = () => useQuery({ queryKey: keys.session, queryFn: () => call('session.status', {}) as Promise<SessionStatus> });
/** Whether the hub at this address is new (nobody on it yet): the sign-in screen then asks for the first admin. */
export const useSetupNeeded = (hubUrl: string) => useQuery({
  queryKey: ['setupNeeded', hubUrl] as QueryKey, queryFn: () => call('session.setupNeeded', { hub_url: hubUrl }),
  enabled: /^https?:\/\/[^\s/]+/.test(hubUrl), retry: false, staleTime: 0,
});
export const useCounts = (enabled: boolean) => useQuery({ queryKey: keys.counts, queryFn: () => call('inbox.counts', {}), enabled });

/** Pages of the inbox around what is visible: a 100,000-row queue loads only what is on screen. */
export function useInboxPages(filter: InboxFilter, pages: number[], enabled: boolean) {
  return useQueries({
    queries: pages.map((page) => ({
      queryKey: keys.inboxPage(filter, page),
      queryFn: () => call('inbox.list', { ...filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
      enabled,
      placeholderData: (prev: unknown) => prev as never,
    })),
  });
}

/** Shared by the hook and the read-ahead (prefetch) of the inbox. */
export const conversationQuery = (id: string) => queryOptions({ queryKey: keys.conversation(id), queryFn: () => call('conversation.get', { id }) });
export const customerQuery = (id: string) => queryOptions({ queryKey: keys.customer(id), queryFn: () => call('customer.get', { id }) });

export const useConversation = (id: string | null) => useQuery({ ...conversationQuery(id ?? ''), enabled: !!id });
export const useCustomer = (id: string | null) => useQuery({ ...customerQuery(id ?? ''), enabled: !!id });

export const useSearch = (q: string) => useQuery({
  queryKey: keys.search(q),
  queryFn: () => call('search', { query: q, limit: 50 }),
  enabled: q.trim().length > 0,
  placeholderData: (prev) => prev,
});

const settingQuery = (key: string) => queryOptions({ queryKey: keys.setting(key), queryFn: async () => (await call('settings.get', { key })).value ?? null });
/** A setting read once outside React (null when not set). */
export const fetchSetting = (key: string): Promise<unknown> => queryClient.fetchQuery(settingQuery(key));

export function useSetting<T>(key: string, fallback: T) {
  const q = useQuery(settingQuery(key));
  return { value: (q.data ?? fallback) as T, loaded: q.isFetched };
}

export async function saveSetting(key: string, value: unknown): Promise<void> {
  queryClient.setQueryData(keys.setting(key), value);
  await act('settings.set', { key, value });
}

// ---- online only: routing, supervisor, metrics (an `offline` error when the hub is unreachable) ----
export const presenceQuery = () => queryOptions({ queryKey: keys.presence, queryFn: () => call('presence.get', {}) });
export const usePresence = (enabled = true) => useQuery({ ...presenceQuery(), enabled });
export const useFloor = (enabled = true) => useQuery({ queryKey: keys.floor, queryFn: () => call('floor.get', {}), enabled });
/** profiles that may be the same person, and merges into this one (the hub's; refreshed after a merge or undo) */
export const useCustomerRelated = (customerId: string | null, enabled = true, fresh = false) => useQuery({
  queryKey: ['customer-related', customerId], queryFn: () => call('customer.related', { customer_id: customerId! }),
  // the card may show what it had for a minute; the merge picker asks again when it opens
  enabled: enabled && !!customerId, staleTime: fresh ? 0 : 60_000, retry: false,
});
/** who can take a conversation, with presence and load; read fresh each time a picker opens */
export const useRoster = (enabled = true) => useQuery({ queryKey: keys.roster, queryFn: () => call('roster.get', {}), enabled, staleTime: 0 });
export const useInsights = (enabled = true) => useQuery({
  queryKey: keys.insights, queryFn: () => call('insights.list', {}), enabled,
  // pushed when opened or closed; a slow re-read covers a missed push while shown
  refetchInterval: 15_000,
});
/** crisis mode on now and lately (features/Crisis.tsx): pushed when turned on or off; the minute covers a missed push */
export const useCrises = (enabled = true) => useQuery({ queryKey: keys.crisis, queryFn: () => call('crisis.list', {}), enabled, refetchInterval: 60_000, retry: false });
/** My shift: the agent's open conversations with their handover summaries (from the cache, offline too). */
export const useMyShift = () => useQuery({ queryKey: keys.shift, queryFn: () => call('shift.summaries', {}), staleTime: 0 });
export const useMyFigures = () => useQuery({ queryKey: keys.myFigures, queryFn: () => call('metrics.me', {}), staleTime: 30_000 });

/** Suggested replies, canned responses and help links for a conversation, computed by the core from its cache (offline too). */
export const useAssistSuggestions = (id: string, version: string) =>
  useQuery({ queryKey: keys.suggestions(id, version), queryFn: () => call('assist.suggest', { conversation_id: id }), staleTime: 60_000 });
