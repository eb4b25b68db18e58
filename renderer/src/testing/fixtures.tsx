/** Rendering for component tests: the app's query client, the session already known (as after sign-in). */
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { SessionStatus } from '../../../shared/contract/desktop';
import { queryClient } from '../api/query-client';
import { keys } from '../api/queries';
import { session } from './world';

export * from './world';
export { NOW as fixedNow } from './world';

export function renderApp(ui: ReactElement, s: SessionStatus = session()) {
  queryClient.setQueryData(keys.session, s);
  return render(ui, { wrapper: ({ children }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider> });
}
