/** The one react-query client. The core serves every read from its local cache, so reads are fast and never stale by age. */
import { QueryClient } from '@tanstack/react-query';

export const queryClient = new QueryClient({
  defaultOptions: {
    // The cache is local: no refetch on focus, no retries on a "not found".
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: false, structuralSharing: true },
  },
});
