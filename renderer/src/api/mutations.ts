/**
 * Every contract request that changes something goes through react-query's mutation cache:
 * components use `useAction` (pending and error state for the UI), commands from keys and the
 * palette use `act` (the same mutation, outside React). Reads are in queries.ts. Features never
 * call the transport themselves (lint: `call` is for api/ only).
 */
import { MutationObserver, useMutation, type UseMutationOptions } from '@tanstack/react-query';
import type { DesktopRequest, DesktopRequestName, DesktopResponse } from '../../../shared/contract/desktop';
import { call, type ApiError } from './client';
import { queryClient } from './query-client';

/** Requests that only read (served by queries.ts). */
type ReadName = 'session.status' | 'session.unsent' | 'inbox.list' | 'inbox.counts' | 'conversation.get' | 'customer.get' | 'search' | 'draft.get'
  | 'presence.get' | 'floor.get' | 'roster.get' | 'customer.related' | 'metrics.me' | 'insights.list' | 'settings.get' | 'assist.suggest' | 'session.setupNeeded';
export type ActionName = Exclude<DesktopRequestName, ReadName>;

const options = <N extends ActionName>(name: N) => ({
  mutationKey: [name],
  mutationFn: (req: DesktopRequest<N>) => call(name, req),
});

type Extra<N extends ActionName> = Omit<UseMutationOptions<DesktopResponse<N>, ApiError, DesktopRequest<N>>, 'mutationKey' | 'mutationFn'>;

/** A mutation for a component: `mutate`/`mutateAsync`, `isPending`, `error`. */
export function useAction<N extends ActionName>(name: N, extra?: Extra<N>) {
  return useMutation<DesktopResponse<N>, ApiError, DesktopRequest<N>>({ ...options(name), ...extra });
}

/** The same mutation from plain code (commands): resolves with the value, rejects with an ApiError. */
export function act<N extends ActionName>(name: N, req: DesktopRequest<N>): Promise<DesktopResponse<N>> {
  return new MutationObserver<DesktopResponse<N>, ApiError, DesktopRequest<N>>(queryClient, options(name)).mutate(req);
}

/** Best-effort signals (heartbeats, read marks): a failure changes nothing the agent relies on. */
export function signal<N extends ActionName>(name: N, req: DesktopRequest<N>): void {
  act(name, req).catch(() => { /* offline or refused: the next beat or read mark tries again */ });
}
