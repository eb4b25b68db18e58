/**
 * Canned responses as the hub keeps them (the team's and the agent's own), read through the core,
 * which answers from its cache when the hub is away; each insertion counts a use.
 */
import { useQuery } from '@tanstack/react-query';
import type { CannedItem } from '../../../shared/contract/admin';
import type { CannedResponse } from '../../../shared/text/canned';
import { call } from './client';
import { queryClient } from './query-client';

export const CANNED_KEY = ['canned'] as const;

/**
 * Read again every minute; while the answer came from the cache (the hub away, or too slow at
 * sign-in), every 5 s, so the team's responses appear as soon as the hub answers.
 */
export function useCannedList() {
  return useQuery({
    queryKey: CANNED_KEY, queryFn: () => call('canned.list', {}), staleTime: 60_000,
    refetchInterval: (q) => (q.state.data?.offline ? 5_000 : false),
  });
}

/** After a change to a canned response: the composer and palette read them again. */
export const cannedChanged = () => queryClient.invalidateQueries({ queryKey: CANNED_KEY });

/** One insertion, for the usage count (a figure: lost when the hub is away). */
export function countUse(item: CannedResponse | CannedItem): void {
  if ('id' in item && typeof item.id === 'string') void call('canned.used', { id: item.id }).catch(() => {});
}
