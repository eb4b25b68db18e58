/**
 * The admin screens' reads and changes: each names a row of shared/contract/admin-call.ts, so its input
 * and answer are typed by the table (the core checks both). Every change re-reads every admin view:
 * one person's new team changes the team list's counts too, and admin screens are small.
 */
import { useMutation, useQuery, type UseMutationOptions } from '@tanstack/react-query';
import type { AdminAnswer, AdminCall, AdminCallName } from '../../../shared/contract/admin-call';
import { call, type ApiError } from './client';
import { queryClient } from './query-client';

export function adminCall<N extends AdminCallName>(route: N, input: AdminCall<N>): Promise<AdminAnswer<N>> {
  return call('admin.call', { route, ...(input as { params?: Record<string, string>; query?: Record<string, string>; body?: unknown }) }) as Promise<AdminAnswer<N>>;
}

export const adminKey = (route: AdminCallName, input?: unknown) => ['admin', route, input ?? null];

/** A read, kept fresh by re-reading on every admin change (and every `refetchMs` when given, for live figures such as presence). */
export function useAdminQuery<N extends AdminCallName>(route: N, input: AdminCall<N>, opts: { enabled?: boolean; refetchMs?: number } = {}) {
  return useQuery<AdminAnswer<N>, ApiError>({
    queryKey: adminKey(route, input),
    queryFn: () => adminCall(route, input),
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchMs,
    staleTime: 0,
  });
}

type Extra<N extends AdminCallName> = Omit<UseMutationOptions<AdminAnswer<N>, ApiError, AdminCall<N>>, 'mutationKey' | 'mutationFn'>;

/** A change: pending and error state for the form; on success every admin view reads again. */
export function useAdminAction<N extends AdminCallName>(route: N, extra?: Extra<N>) {
  return useMutation<AdminAnswer<N>, ApiError, AdminCall<N>>({
    mutationKey: ['admin', route],
    mutationFn: (input) => adminCall(route, input),
    ...extra,
    onSuccess: async (...args) => {
      await queryClient.invalidateQueries({ queryKey: ['admin'] });
      await extra?.onSuccess?.(...args);
    },
  });
}
