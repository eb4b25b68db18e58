/** The shell: sign-in, or the three-pane workspace with its status bar and overlays. */
import { useCoreEvents, useSession } from './api/queries';
import { useHotkeys, useKeymap } from './app/useHotkeys';
import { useUi } from './app/store';
import { CustomerPanel } from './features/CustomerPanel';
import { Inbox } from './features/Inbox';
import { Login } from './features/Login';
import { Overlays } from './features/Overlays';
import { SettingsDialog } from './features/Settings';
import { StatusBar } from './features/StatusBar';
import { Thread } from './features/Thread';

function Workspace() {
  const overrides = useKeymap();
  useHotkeys(overrides);
  const { showQueue, showCustomer, overlay } = useUi();
  return (
    <div className="app">
      <StatusBar />
      <main className={`panes${showQueue ? '' : ' no-queue'}${showCustomer ? '' : ' no-customer'}`}>
        {showQueue && <Inbox />}
        <Thread />
        {showCustomer && <CustomerPanel />}
      </main>
      <Overlays />
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
