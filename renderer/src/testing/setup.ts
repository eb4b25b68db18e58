/** Component tests: the fake core is the app's transport; each test starts from empty caches and UI state. */
import './fake-core';
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { queryClient } from '../api/query-client';
import { useLive } from '../app/live';
import { useUi } from '../app/store';
import { core } from './fake-core';

const initialUi = useUi.getState();
const initialLive = useLive.getState();

afterEach(async () => {
  cleanup();
  // what unmounting sent (the composer saves its draft) reaches the core before the next test
  await new Promise((r) => setTimeout(r, 0));
  core.reset();
  queryClient.clear();
  useUi.setState(initialUi, true);
  useLive.setState(initialLive, true);
});
