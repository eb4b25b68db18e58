/**
 * Macros as the hub keeps them (the agent's own and their teams'), read through the core, which
 * answers from its cache when the hub is away (so a macro's key works offline).
 */
import { useQuery } from '@tanstack/react-query';
import type { DesktopRequest } from '../../../shared/contract/desktop';
import type { Macro } from '../../../shared/contract/macros';
import { call } from './client';
import { queryClient } from './query-client';

export const MACROS_KEY = ['macros'] as const;

export const macrosQuery = () => ({
  queryKey: MACROS_KEY, queryFn: () => call('macros.list', {}), staleTime: 60_000,
  // from the cache (the hub away, or slow at sign-in): ask again soon
  refetchInterval: (q: { state: { data?: { offline: boolean } } }) => (q.state.data?.offline ? 5_000 : false as const),
});
export const useMacros = () => useQuery(macrosQuery());
/** The macros as last read, outside React (the key listener). */
export const cachedMacros = (): Macro[] => queryClient.getQueryData<{ macros: Macro[] }>(MACROS_KEY)?.macros ?? [];
export const macrosChanged = () => queryClient.invalidateQueries({ queryKey: MACROS_KEY });

/** A run's summary, read again while some of it waits for the hub. */
export const useActionSummary = (runId: string | null) => useQuery({
  queryKey: ['action-summary', runId], queryFn: () => call('actions.summary', { run_id: runId! }), enabled: !!runId,
  refetchInterval: (q) => (q.state.data && (q.state.data.pending > 0 || q.state.data.undoable) ? 1_000 : false),
});

/** What a macro or bulk action will do, asked fresh each time the preview opens (nothing is queued by it). */
export const useActionPreview = (req: DesktopRequest<'actions.preview'> | null) => useQuery({
  queryKey: ['action-preview', req], enabled: !!req, staleTime: 0, gcTime: 0, retry: false,
  queryFn: () => call('actions.preview', req!),
});
