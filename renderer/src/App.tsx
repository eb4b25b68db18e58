/** The shell: sign-in, or the three-pane workspace with its status bar and overlays. */
import { useCoreEvents, useSession } from './api/queries';
import { useHotkeys, useKeymap } from './app/useHotkeys';
import { useUi } from './app/store';
import { CustomerPanel } from './features/CustomerPanel';
import { Inbox } from './features/Inbox';
import { InsightsView } from './features/Insights';
import { Login } from './features/Login';
import { Overlays } from './features/Overlays';
import { SettingsDialog } from './features/Settings';
import { StatusBar } from './features/StatusBar';
import { Thread } from './features/Thread';
import { useLiveEvents } from './app/live';
import { lazy, Suspense } from 'react';
import { AgentMessageDialog, OfferDialog } from './features/Presence';

// recharts is heavy: only supervisors who open the floor load it.
const Floor = lazy(() => import('./features/Floor').then((m) => ({ default: m.Floor })));

function Workspace() {
  const overrides = useKeymap();
  useHotkeys(overrides);
  useLiveEvents();
  const { showQueue, showCustomer, overlay, view } = useUi();
  return (
    <div className="app">
      <StatusBar />
      {view === 'floor' ? (
        <main className="panes floor-view"><Suspense fallback={<section className="pane floor" aria-label="Floor" aria-busy="true" />}><Floor /></Suspense></main>
      ) : view === 'insights' ? (
        <main className="panes floor-view"><InsightsView /></main>
      ) : (
        <main className={`panes${showQueue ? '' : ' no-queue'}${showCustomer ? '' : ' no-customer'}`}>
          {showQueue && <Inbox />}
          <Thread />
          {showCustomer && <CustomerPanel />}
        </main>
      )}
      <Overlays />
      <OfferDialog />
      <AgentMessageDialog />
      {overlay === 'settings' && <SettingsDialog />}
    </div>
  );
}

export function App() {
  useCoreEvents();
  const session = useSession();
  if (session.error) return <main className="login"><p role="alert" className="error">Cannot reach the Tend core: {session.error.message}</p></main>;
  if (!session.data) return <main className="login" aria-busy="true" />;
  return session.data.logged_in ? <Workspace /> : <Login />;
}
