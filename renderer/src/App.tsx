/** The shell: sign-in, or the three-pane workspace with its status bar and overlays. */
import { useCoreEvents, useSession } from './api/queries';
import { useHotkeys, useKeymap } from './app/useHotkeys';
import { useUi } from './app/store';
import { CustomerPanel } from './features/CustomerPanel';
import { Inbox } from './features/Inbox';
import { InsightsView } from './features/Insights';
import { ApprovalsView } from './features/Approvals';
import { QualityView } from './features/Quality';
import { Login } from './features/Login';
import { Overlays } from './features/Overlays';
import { SettingsDialog } from './features/Settings';
import { StatusBar } from './features/StatusBar';
import { CrisisBanner } from './features/Crisis';
import { Thread } from './features/Thread';
import { useLiveEvents } from './app/live';
import { lazy, Suspense, useEffect } from 'react';
import { AgentMessageDialog, usePresenceAtSignIn } from './features/Presence';
import { OfferTray } from './features/OfferTray';
import { Toasts } from './components/Toasts';
import { useTheme } from './app/theme';
import { useWindowTitle } from './app/title';
import { useSessionScreen } from './app/session';
import { useMacros } from './api/macros';

// recharts is heavy: only supervisors who open the floor load it.
const Floor = lazy(() => import('./features/Floor').then((m) => ({ default: m.Floor })));
// administration is for supervisors and admins, now and then
const AdminView = lazy(() => import('./features/admin/AdminView').then((m) => ({ default: m.AdminView })));

/** Narrow windows (and 150 % zoom) start without the customer card, giving its room to the thread; ] brings it back. */
const NARROW = '(max-width: 1100px)';
function useNarrowLayout(): void {
  useEffect(() => {
    const mq = window.matchMedia(NARROW);
    const apply = () => useUi.getState().set({ showCustomer: !mq.matches });
    apply();
    mq.addEventListener('change', apply);
    return () => mq.removeEventListener('change', apply);
  }, []);
}

function Workspace() {
  useNarrowLayout();
  const overrides = useKeymap();
  useHotkeys(overrides);
  // the macros' keys work from the start (and offline: the core answers from its cache)
  useMacros();
  useLiveEvents();
  useWindowTitle();
  usePresenceAtSignIn();
  const { showQueue, showCustomer, overlay, view } = useUi();
  return (
    <div className="app">
      <StatusBar />
      <CrisisBanner />
      {view === 'floor' ? (
        <main className="panes floor-view"><Suspense fallback={<section className="pane floor" aria-label="Floor" aria-busy="true" />}><Floor /></Suspense></main>
      ) : view === 'insights' ? (
        <main className="panes floor-view"><InsightsView /></main>
      ) : view === 'approvals' ? (
        <main className="panes floor-view"><ApprovalsView /></main>
      ) : view === 'quality' ? (
        <main className="panes floor-view"><QualityView /></main>
      ) : view === 'admin' ? (
        <main className="panes floor-view"><Suspense fallback={<section className="pane floor" aria-label="Administration" aria-busy="true" />}><AdminView /></Suspense></main>
      ) : (
        <main className={`panes${showQueue ? '' : ' no-queue'}${showCustomer ? '' : ' no-customer'}`}>
          {showQueue && <Inbox />}
          <Thread />
          {showCustomer && <CustomerPanel />}
        </main>
      )}
      <Overlays />
      <OfferTray />
      <AgentMessageDialog />
      <Toasts />
      {overlay === 'settings' && <SettingsDialog />}
    </div>
  );
}

export function App() {
  useCoreEvents();
  useTheme();
  const session = useSession();
  useSessionScreen(session.data);
  if (session.error) return <main className="login"><p role="alert" className="error">Cannot reach the Tend core: {session.error.message}</p></main>;
  if (!session.data) return <main className="login" aria-busy="true" />;
  return session.data.logged_in ? <Workspace /> : <Login />;
}
